//! `POST /auth/reauthenticate`: the owner proves their password again in the session they hold,
//! which makes its login recent (docs/TOKENS.md, Recent login) without a new session.

use super::{AccountError, Accounts};
use crate::domain::ClientInfo;
use crate::sessions::Renewed;
use uuid::Uuid;

impl Accounts {
    /// Re-checks `password` exactly as before a sensitive change (throttled per account and
    /// address, bcrypt off the async workers), then marks session `session_id` as just
    /// authenticated and signs an access token that says so.
    pub async fn reauthenticate(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        password: String,
        client: ClientInfo,
    ) -> Result<Renewed, AccountError> {
        self.confirm_password(user_id, password, &client).await?;
        Ok(self
            .sessions
            .reauthenticated(session_id, user_id, client)
            .await?)
    }
}
