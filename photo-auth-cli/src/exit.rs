//! Exit codes scripts can rely on (docs/CLI.md, Exit codes).

use crate::commands::Failure;
use photo_auth_client::{ApiCode, ClientError};

/// Success.
pub const OK: u8 = 0;
/// Anything not below: the network, a server error, a local file.
pub const FAILED: u8 = 1;
/// A wrong command line: clap's, an address that is none, a kept session that belongs to other
/// servers than the command's, an empty or wrong link on stdin.
pub const USAGE: u8 = 2;
/// Not logged in, or the session ended (revoked, expired, reused, or refused by resource-service
/// as `session_revoked`): log in again.
pub const LOGIN_NEEDED: u8 = 3;
/// Wrong username, email or password.
pub const BAD_CREDENTIALS: u8 = 4;
/// No such photo, session or user.
pub const NOT_FOUND: u8 = 5;
/// Rate-limited: try again after the time the message gives.
pub const TOO_MANY_REQUESTS: u8 = 6;
/// Refused for another reason the message gives (invalid input, not yours, a conflict).
pub const REFUSED: u8 = 7;
/// The link from a mail (password reset, email verification) is used, expired or unknown.
pub const LINK_INVALID: u8 = 8;

pub fn code_of(failure: &Failure) -> u8 {
    match failure {
        Failure::Client { error, .. } => code_of_client(error),
        Failure::Input(_) => REFUSED,
        Failure::Usage(_) => USAGE,
        Failure::Io(_) => FAILED,
    }
}

fn code_of_client(error: &ClientError) -> u8 {
    match error {
        ClientError::NotLoggedIn | ClientError::UnknownServers => LOGIN_NEEDED,
        ClientError::OtherServers { .. } | ClientError::BadUrl(_) => USAGE,
        ClientError::Api { code, status, .. } => match code {
            ApiCode::InvalidToken | ApiCode::RefreshTokenReused | ApiCode::SessionRevoked => {
                LOGIN_NEEDED
            }
            ApiCode::InvalidLinkToken => LINK_INVALID,
            ApiCode::InvalidCredentials => BAD_CREDENTIALS,
            ApiCode::NotFound => NOT_FOUND,
            ApiCode::TooManyRequests => TOO_MANY_REQUESTS,
            _ if *status == 401 => LOGIN_NEEDED,
            _ if (400..500).contains(status) => REFUSED,
            _ => FAILED,
        },
        _ => FAILED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn api(status: u16, code: &str) -> Failure {
        Failure::from(ClientError::Api {
            status,
            code: ApiCode::of_answer(status, code),
            message: String::new(),
            fields: BTreeMap::new(),
            retry_after: None,
        })
    }

    #[test]
    fn a_links_token_is_not_the_sessions() {
        assert_eq!(code_of(&api(400, "invalid_token")), LINK_INVALID);
        assert_eq!(code_of(&api(401, "invalid_token")), LOGIN_NEEDED);
        assert_eq!(code_of(&api(401, "session_revoked")), LOGIN_NEEDED);
        assert_eq!(code_of(&api(400, "invalid_request")), REFUSED);
        assert_eq!(code_of(&api(409, "conflict")), REFUSED);
        assert_eq!(code_of(&api(403, "email_not_verified")), REFUSED);
        assert_eq!(code_of(&api(429, "too_many_requests")), TOO_MANY_REQUESTS);
        assert_eq!(code_of(&Failure::Input("differ".into())), REFUSED);
        assert_eq!(
            code_of(&Failure::from(ClientError::NotLoggedIn)),
            LOGIN_NEEDED
        );
    }
}
