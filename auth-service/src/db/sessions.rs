//! Queries on `sessions`.

use crate::db::models::{NewSession, SessionRow};
use crate::db::schema::sessions;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

pub fn insert(conn: &mut PgConnection, session: &NewSession<'_>) -> QueryResult<SessionRow> {
    diesel::insert_into(sessions::table)
        .values(session)
        .returning(SessionRow::as_returning())
        .get_result(conn)
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

/// Revokes every live session of the user except `keep`, if given.
pub fn revoke_all_for_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let target = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::id.ne(keep.unwrap_or(Uuid::nil())));
    diesel::update(target)
        .set((
            sessions::revoked_at.eq(now),
            sessions::revoked_reason.eq(reason),
        ))
        .execute(conn)
}
