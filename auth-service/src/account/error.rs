//! How an account operation can fail; the HTTP layer (`error.rs`) maps each case to its answer
//! once (docs/API.md, Error body).

use crate::domain::InvalidFields;
use crate::sessions::SessionError;
use service_kit::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Invalid(#[from] InvalidFields),
    /// A failed login: unknown account, wrong password, or throttled, all alike. `retry_after`
    /// once the address is in backoff.
    #[error("login failed")]
    InvalidCredentials { retry_after: Option<u64> },
    /// A password re-check failed, or was not evaluated because the caller is in backoff.
    #[error("wrong password")]
    WrongPassword { retry_after: Option<u64> },
    /// The change needs a recent login and the caller's is older than `REAUTH_WINDOW`
    /// (docs/TOKENS.md, Recent login).
    #[error("a recent login is required")]
    ReauthRequired,
    /// The username or email (the field named) belongs to another account.
    #[error("{0} already taken")]
    Taken(&'static str),
    /// A mailed link's token that is unknown, used or expired: one answer for all three.
    #[error("invalid link token")]
    InvalidLinkToken,
    /// Nothing waits for verification: the address is verified and no change is pending.
    #[error("nothing to verify")]
    NothingToVerify,
    /// The recipient has had its share of requested mails.
    #[error("too many mails requested")]
    TooManyMails { retry_after: u64 },
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Database(DbError),
    /// This instance has as much password work in flight as it takes.
    #[error("too much password work in flight")]
    Busy,
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

impl From<DbError> for AccountError {
    fn from(error: DbError) -> Self {
        if error.is_conflict_on("email") {
            Self::Taken("email")
        } else if error.is_conflict_on("username") {
            Self::Taken("username")
        } else {
            Self::Database(error)
        }
    }
}

impl From<diesel::result::Error> for AccountError {
    fn from(error: diesel::result::Error) -> Self {
        DbError::from(error).into()
    }
}
