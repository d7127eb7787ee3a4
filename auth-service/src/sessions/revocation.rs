//! Ending sessions, each with its audit record in the same transaction.

use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::{events, sessions};
use crate::domain::ClientInfo;
use chrono::Utc;
use diesel::{Connection, PgConnection, QueryResult};
use uuid::Uuid;

/// Revokes session `session_id` if it is a live session of `user_id`, recording why; whether
/// there was one to revoke.
pub fn revoke_one(
    conn: &mut PgConnection,
    session_id: Uuid,
    user_id: Uuid,
    reason: &'static str,
    client: &ClientInfo,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let revoked = sessions::revoke_owned(conn, session_id, user_id, reason, Utc::now())?;
        if revoked > 0 {
            audit::record(
                conn,
                &AuditEvent::by(AuditKind::SessionRevoked, client)
                    .user(user_id)
                    .session(session_id)
                    .detail(serde_json::json!({ "reason": reason })),
            )?;
            events::session_revoked(conn, user_id, session_id, reason)?;
        }
        Ok(revoked > 0)
    })
}

/// Revokes every session of `user_id` (`logout-all`), recording how many from session `current`.
pub fn revoke_all(
    conn: &mut PgConnection,
    user_id: Uuid,
    current: Uuid,
    client: &ClientInfo,
) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let revoked = sessions::revoke_all_for_user(conn, user_id, None, "logout_all", Utc::now())?;
        audit::record(
            conn,
            &AuditEvent::by(AuditKind::LogoutAll, client)
                .user(user_id)
                .session(current)
                .detail(serde_json::json!({ "sessions_revoked": revoked.len() })),
        )?;
        events::sessions_revoked(conn, user_id, &revoked, "logout_all")?;
        Ok(revoked.len())
    })
}
