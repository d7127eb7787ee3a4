//! Deleting an account: its sessions and tokens go with it (the foreign keys cascade).

use super::{AccountError, Accounts};
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::{self, events, users};
use crate::domain::ClientInfo;
use diesel::Connection;
use shared_tokens::RecentLogin;
use uuid::Uuid;

impl Accounts {
    /// Deletes account `user_id` after re-checking `password`, recording it from session
    /// `session_id`. Only a recent login may (docs/TOKENS.md, Recent login): the proof is
    /// checked before any password work.
    pub async fn delete(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        _recent: RecentLogin,
        password: String,
        client: ClientInfo,
    ) -> Result<(), AccountError> {
        self.confirm_password(user_id, password, &client).await?;
        db::blocking(&self.pool, move |conn| {
            conn.transaction(|conn| {
                users::delete(conn, user_id)?;
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::AccountDeleted, &client)
                        .user(user_id)
                        .session(session_id),
                )?;
                events::user_deleted(conn, user_id)?;
                Ok::<_, AccountError>(())
            })
        })
        .await?;
        log::info!("account deleted: user_id={user_id}");
        Ok(())
    }
}
