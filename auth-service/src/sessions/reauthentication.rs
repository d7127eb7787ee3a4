//! A session whose owner proved their password again (docs/TOKENS.md, Recent login): its
//! `authenticated_at` moves to now, and a new access token carries it as `auth_time`. The refresh
//! token stays as it is: its rotation reads `authenticated_at` from the session row, so tokens
//! refreshed later keep the new time, and no other holder of the family is cut off.

use super::{SessionError, Sessions};
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::models::UserRow;
use crate::db::{self, sessions, users};
use crate::domain::ClientInfo;
use chrono::Utc;
use diesel::Connection;
use uuid::Uuid;

/// What a reauthentication hands the client: a fresh access token for the same session. No
/// `Debug`: it holds the token.
pub struct Renewed {
    pub access_token: String,
    /// Seconds.
    pub expires_in: i64,
    /// Seconds the session's current refresh token still lives.
    pub refresh_expires_in: i64,
    pub session_id: Uuid,
    pub user: UserRow,
}

impl Sessions {
    /// Records that the owner of session `session_id` just proved their password (the caller
    /// checked it) and signs an access token whose `auth_time` is now. A session that ended
    /// meanwhile is [`SessionError::Ended`].
    pub async fn reauthenticated(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        client: ClientInfo,
    ) -> Result<Renewed, SessionError> {
        let now = Utc::now();
        let (session, user) = db::blocking(&self.pool, move |conn| {
            conn.transaction(|conn| {
                let session = sessions::reauthenticate(conn, session_id, user_id, now)?
                    .ok_or(SessionError::Ended)?;
                let user = users::find(conn, user_id)?;
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::Reauthenticated, &client)
                        .user(user_id)
                        .session(session_id),
                )?;
                Ok::<_, SessionError>((session, user))
            })
        })
        .await?;
        log::info!("reauthenticated: user_id={user_id} session_id={session_id}");
        let now = now.timestamp();
        let access_token = self.issuer.access_token(&user, session_id, now, now)?;
        Ok(Renewed {
            access_token,
            expires_in: self.issuer.access_lifetime().as_secs() as i64,
            refresh_expires_in: (session.expires_at().timestamp() - now).max(0),
            session_id,
            user,
        })
    }
}
