//! One error type: what the API answered (by its `error` code, never a bare status), or why no
//! answer came.

use std::time::Duration;

/// The API's error codes (docs/API.md, Error body) that a caller acts on; the rest keep their
/// text in [`ApiCode::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiCode {
    InvalidCredentials,
    InvalidToken,
    RefreshTokenReused,
    TooManyRequests,
    Forbidden,
    NotFound,
    Conflict,
    ValidationFailed,
    Unavailable,
    Other(String),
}

impl ApiCode {
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_credentials" => Self::InvalidCredentials,
            "invalid_token" => Self::InvalidToken,
            "refresh_token_reused" => Self::RefreshTokenReused,
            "too_many_requests" => Self::TooManyRequests,
            "forbidden" => Self::Forbidden,
            "not_found" => Self::NotFound,
            "conflict" => Self::Conflict,
            "validation_failed" => Self::ValidationFailed,
            "unavailable" => Self::Unavailable,
            other => Self::Other(other.to_owned()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The API refused: its code and message, and `Retry-After` when it sent one.
    #[error("{status}: {code:?}: {message}")]
    Api {
        status: u16,
        code: ApiCode,
        message: String,
        retry_after: Option<Duration>,
    },
    /// No session: log in first (or the session ended and its tokens were dropped).
    #[error("not logged in")]
    NotLoggedIn,
    #[error("the request failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the token store failed: {0}")]
    Store(#[from] std::io::Error),
    #[error("an answer that is not what the API documents: {0}")]
    Unexpected(String),
}

impl ClientError {
    /// The API's code, when the API answered.
    pub fn code(&self) -> Option<&ApiCode> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}
