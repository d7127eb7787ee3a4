//! Batched deletes for the cleanup task. Each deletes at most `batch` rows and skips rows another
//! transaction holds (`SKIP LOCKED`), so several instances can clean at once and a cleanup never
//! waits on a refresh that has its session locked.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamptz};

fn batched_delete(
    conn: &mut PgConnection,
    sql: &'static str,
    before: DateTime<Utc>,
    batch: i64,
) -> QueryResult<usize> {
    diesel::sql_query(sql)
        .bind::<Timestamptz, _>(before)
        .bind::<BigInt, _>(batch)
        .execute(conn)
}

/// Sessions revoked or expired before `before`; their refresh tokens go with them (cascade).
pub fn dead_sessions(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    batch: i64,
) -> QueryResult<usize> {
    batched_delete(
        conn,
        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions \
         WHERE revoked_at < $1 OR idle_expires_at < $1 OR absolute_expires_at < $1 \
         LIMIT $2 FOR UPDATE SKIP LOCKED)",
        before,
        batch,
    )
}

/// Refresh tokens that expired before `before`: they can no longer verify, so no rotation or
/// reuse check will ever look them up.
pub fn expired_refresh_tokens(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    batch: i64,
) -> QueryResult<usize> {
    batched_delete(
        conn,
        "DELETE FROM refresh_tokens WHERE jti IN (SELECT jti FROM refresh_tokens \
         WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
        before,
        batch,
    )
}

/// Mailed-link tokens that expired before `before`, used or not: expired, they open nothing.
pub fn expired_email_tokens(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    batch: i64,
) -> QueryResult<usize> {
    batched_delete(
        conn,
        "DELETE FROM email_tokens WHERE token_hash IN (SELECT token_hash FROM email_tokens \
         WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
        before,
        batch,
    )
}

/// Failure counts whose last failure is older than the throttle window: they no longer count.
pub fn stale_login_failures(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    batch: i64,
) -> QueryResult<usize> {
    batched_delete(
        conn,
        "DELETE FROM login_failures WHERE (subject, ip) IN (SELECT subject, ip FROM login_failures \
         WHERE last_failed_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
        before,
        batch,
    )
}

pub fn old_audit_events(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    batch: i64,
) -> QueryResult<usize> {
    batched_delete(
        conn,
        "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events \
         WHERE at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
        before,
        batch,
    )
}

/// Events past `EVENT_RETENTION` (docs/EVENTS.md, Retention): every token they could concern has
/// long expired, and a webhook endpoint that has not taken them by then never will.
pub fn old_events(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    batch: i64,
) -> QueryResult<usize> {
    batched_delete(
        conn,
        "DELETE FROM events WHERE seq IN (SELECT seq FROM events \
         WHERE occurred_at < $1 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)",
        before,
        batch,
    )
}
