//! Queries on `sessions`.

use crate::db::login_failures::ThrottleRow;
use crate::db::models::{NewRefreshToken, NewSession, SessionRow};
use crate::db::schema::sessions;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bytea, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// A login's writes in one statement, so one round trip (docs/TOKENS.md, One round trip): the
/// session (its password proof, `authenticated_at`, is its start), its first refresh token, the
/// audit event `audit_kind`, and, when the login passed the throttle, the wiping of the
/// `(subject, ip)` failure row. The foreign key of the token on the session is checked at the
/// end of the statement, when both rows exist.
pub fn start(
    conn: &mut PgConnection,
    session: &NewSession<'_>,
    token: &NewRefreshToken<'_>,
    throttle_row: Option<&ThrottleRow>,
    audit_kind: &str,
) -> QueryResult<()> {
    let (subject, ip) = throttle_row.map(|r| (&r.subject, &r.ip)).unzip();
    diesel::sql_query(
        "WITH session AS (
             INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at,
                                   absolute_expires_at, generation, user_agent, ip,
                                   authenticated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $3)
         ), token AS (
             INSERT INTO refresh_tokens (jti, session_id, token_hash, generation, issued_at,
                                         expires_at, kid)
             VALUES ($10, $1, $11, $12, $13, $14, $15)
         ), cleared AS (
             DELETE FROM login_failures WHERE subject = $16 AND ip = $17
         )
         INSERT INTO audit_events (kind, user_id, session_id, ip, user_agent)
         VALUES ($18, $2, $1, $9, $8)",
    )
    .bind::<SqlUuid, _>(session.id)
    .bind::<SqlUuid, _>(session.user_id)
    .bind::<Timestamptz, _>(session.created_at)
    .bind::<Timestamptz, _>(session.last_used_at)
    .bind::<Timestamptz, _>(session.idle_expires_at)
    .bind::<Timestamptz, _>(session.absolute_expires_at)
    .bind::<Integer, _>(session.generation)
    .bind::<Nullable<Text>, _>(session.user_agent)
    .bind::<Nullable<Text>, _>(session.ip)
    .bind::<SqlUuid, _>(token.jti)
    .bind::<Bytea, _>(token.token_hash)
    .bind::<Integer, _>(token.generation)
    .bind::<Timestamptz, _>(token.issued_at)
    .bind::<Timestamptz, _>(token.expires_at)
    .bind::<Text, _>(token.kid)
    .bind::<Nullable<Text>, _>(subject)
    .bind::<Nullable<Text>, _>(ip)
    .bind::<Text, _>(audit_kind)
    .execute(conn)
    .map(|_| ())
}

/// Whether the session exists, belongs to `user_id` and is live at `now`.
pub fn is_live(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::idle_expires_at.gt(now))
            .filter(sessions::absolute_expires_at.gt(now)),
    ))
    .get_result(conn)
}

/// Records that the owner of session `id` proved their password again at `now`
/// (docs/TOKENS.md, Recent login); the session, or `None` when it is not a live session of
/// `user_id`.
pub fn reauthenticate(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<Option<SessionRow>> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::idle_expires_at.gt(now))
            .filter(sessions::absolute_expires_at.gt(now)),
    )
    .set(sessions::authenticated_at.eq(now))
    .returning(SessionRow::as_returning())
    .get_result(conn)
    .optional()
}

pub fn list_live(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::idle_expires_at.gt(now))
        .filter(sessions::absolute_expires_at.gt(now))
        .order(sessions::last_used_at.desc())
        .select(SessionRow::as_select())
        .load(conn)
}

pub fn revoke(
    conn: &mut PgConnection,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Revokes `id` only if it belongs to `user_id`; 0 rows means "not yours" (or already gone).
pub fn revoke_owned(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Revokes every live session of the user except `keep`, if given; the ids of those it ended
/// (the `sessions.revoked` event names them, docs/EVENTS.md).
pub fn revoke_all_for_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Uuid>> {
    let target = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::id.ne(keep.unwrap_or(Uuid::nil())));
    diesel::update(target)
        .set((
            sessions::revoked_at.eq(now),
            sessions::revoked_reason.eq(reason),
        ))
        .returning(sessions::id)
        .get_results(conn)
}
