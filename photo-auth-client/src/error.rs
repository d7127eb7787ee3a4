//! One error type: what the API answered (by its `error` code, never a bare status), or why no
//! answer came.

use crate::server::{BadUrl, Servers};
use std::collections::BTreeMap;
use std::time::Duration;

/// The API's error codes (docs/API.md, Error body) that a caller acts on; the rest keep their
/// text in [`ApiCode::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiCode {
    InvalidCredentials,
    /// 401: the session's access or refresh token was refused; log in again.
    InvalidToken,
    /// 400 `invalid_token`: the token of a password-reset or email-verification link is used,
    /// expired or unknown. Nothing to do with the session: ask for a new mail.
    InvalidLinkToken,
    RefreshTokenReused,
    /// 401 `session_revoked`: resource-service refused an access token that has not run out
    /// because its session has ended (logged out everywhere, revoked, a password reset, the
    /// account deleted). The client forgets the session without renewing it, as after a refused
    /// refresh; log in again (docs/CLIENT.md, The token rules).
    SessionRevoked,
    TooManyRequests,
    Forbidden,
    /// 403: the action (deleting the account or its data, changing the password or the email)
    /// needs a recent login: prove the password with [`Client::reauthenticate`], then retry
    /// (docs/TOKENS.md, Recent login).
    ///
    /// [`Client::reauthenticate`]: crate::Client::reauthenticate
    ReauthRequired,
    /// resource-service refuses this call to an account whose email is not verified yet.
    EmailNotVerified,
    NotFound,
    Conflict,
    /// 400 `invalid_request`: the input breaks a rule; [`ClientError::Api`]'s `fields` says
    /// which field and why, when a field is at fault.
    InvalidRequest,
    ValidationFailed,
    Unavailable,
    Other(String),
}

impl ApiCode {
    /// The code of an error body as such, whatever the status.
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_credentials" => Self::InvalidCredentials,
            "invalid_token" => Self::InvalidToken,
            "refresh_token_reused" => Self::RefreshTokenReused,
            "session_revoked" => Self::SessionRevoked,
            "too_many_requests" => Self::TooManyRequests,
            "forbidden" => Self::Forbidden,
            "reauth_required" => Self::ReauthRequired,
            "email_not_verified" => Self::EmailNotVerified,
            "not_found" => Self::NotFound,
            "conflict" => Self::Conflict,
            "invalid_request" => Self::InvalidRequest,
            "validation_failed" => Self::ValidationFailed,
            "unavailable" => Self::Unavailable,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The code of an answer with this status: `invalid_token` with 400 is a link's token, with
    /// 401 the session's.
    pub fn of_answer(status: u16, code: &str) -> Self {
        match Self::parse(code) {
            Self::InvalidToken if status == 400 => Self::InvalidLinkToken,
            parsed => parsed,
        }
    }

    /// The code as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidToken | Self::InvalidLinkToken => "invalid_token",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::SessionRevoked => "session_revoked",
            Self::TooManyRequests => "too_many_requests",
            Self::Forbidden => "forbidden",
            Self::ReauthRequired => "reauth_required",
            Self::EmailNotVerified => "email_not_verified",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::InvalidRequest => "invalid_request",
            Self::ValidationFailed => "validation_failed",
            Self::Unavailable => "unavailable",
            Self::Other(code) => code,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The API refused: its code and message, the fields at fault (field name to reason; empty
    /// when no particular field is), and `Retry-After` when it sent one.
    #[error("{status}: {code:?}: {message}{}", fields_suffix(fields))]
    Api {
        status: u16,
        code: ApiCode,
        message: String,
        fields: BTreeMap<String, String>,
        retry_after: Option<Duration>,
    },
    /// No session: log in first (or the session ended and its tokens were dropped).
    #[error("not logged in")]
    NotLoggedIn,
    /// The session held was obtained from other servers than this client's, so its tokens are
    /// not sent: use the client with the servers `kept`, or log in to `given`.
    #[error("the session held belongs to {kept}, not to {given}: its tokens are not sent there")]
    OtherServers { kept: Servers, given: Servers },
    /// The session held does not say which servers it was obtained from (it was stored before
    /// they were kept), so its tokens are sent nowhere: log in again.
    #[error("the session held does not say which servers it belongs to: log in again")]
    UnknownServers,
    /// An address given to the client is not a service's base address.
    #[error(transparent)]
    BadUrl(#[from] BadUrl),
    #[error("the request failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the token store failed: {0}")]
    Store(#[from] std::io::Error),
    #[error("an answer that is not what the API documents: {0}")]
    Unexpected(String),
}

fn fields_suffix(fields: &BTreeMap<String, String>) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = fields
        .iter()
        .map(|(f, why)| format!("{f}: {why}"))
        .collect();
    format!(" ({})", listed.join("; "))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_token_is_a_links_with_400_and_the_sessions_with_401() {
        assert_eq!(
            ApiCode::of_answer(400, "invalid_token"),
            ApiCode::InvalidLinkToken
        );
        assert_eq!(
            ApiCode::of_answer(401, "invalid_token"),
            ApiCode::InvalidToken
        );
        assert_eq!(
            ApiCode::of_answer(400, "invalid_request"),
            ApiCode::InvalidRequest
        );
        assert_eq!(ApiCode::InvalidLinkToken.as_str(), "invalid_token");
        assert_eq!(ApiCode::parse("something_new").as_str(), "something_new");
    }

    #[test]
    fn reauth_required_is_a_code_of_its_own() {
        assert_eq!(ApiCode::parse("reauth_required"), ApiCode::ReauthRequired);
        assert_eq!(ApiCode::ReauthRequired.as_str(), "reauth_required");
    }

    #[test]
    fn session_revoked_is_a_code_of_its_own() {
        assert_eq!(
            ApiCode::of_answer(401, "session_revoked"),
            ApiCode::SessionRevoked
        );
        assert_eq!(ApiCode::SessionRevoked.as_str(), "session_revoked");
    }

    #[test]
    fn the_fields_at_fault_are_part_of_the_message() {
        let error = ClientError::Api {
            status: 400,
            code: ApiCode::InvalidRequest,
            message: "Some fields are invalid.".into(),
            fields: BTreeMap::from([("new_password".into(), "is too short".into())]),
            retry_after: None,
        };
        assert_eq!(
            error.to_string(),
            "400: InvalidRequest: Some fields are invalid. (new_password: is too short)"
        );
    }
}
