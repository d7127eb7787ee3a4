//! How starting, rotating or ending a session can fail; the HTTP layer (`error.rs`) maps each
//! case to its answer once (docs/API.md, Error body).

use service_kit::DbError;
use shared_tokens::token::SignError;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// A refresh token that does not verify, is unknown, or whose session is over. The reason is
    /// for logs and metrics; the client only learns that the token is no good.
    #[error("refresh token refused: {0}")]
    InvalidRefreshToken(&'static str),
    /// An older token of a family was presented: the whole family is revoked, and that is
    /// committed (docs/TOKENS.md, Reuse detection).
    #[error("refresh token reused: session {session_id} of user {user_id} revoked")]
    Reused { session_id: Uuid, user_id: Uuid },
    /// Not one of the caller's live sessions.
    #[error("no such session")]
    NotFound,
    /// The caller's own session ended while its request ran: its access token is no good now.
    #[error("the session has ended")]
    Ended,
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("token signing failed: {0}")]
    Signing(#[from] SignError),
}

impl From<diesel::result::Error> for SessionError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Database(error.into())
    }
}
