//! Exit codes scripts can rely on (docs/CLI.md, Exit codes).

use photo_auth_client::{ApiCode, ClientError};

/// Success.
pub const OK: u8 = 0;
/// Anything not below: the network, a server error, a local file.
pub const FAILED: u8 = 1;
// 2 is clap's, for a wrong command line.
/// Not logged in, or the session ended (revoked, expired, reused): log in again.
pub const LOGIN_NEEDED: u8 = 3;
/// Wrong username, email or password.
pub const BAD_CREDENTIALS: u8 = 4;
/// No such photo, session or user.
pub const NOT_FOUND: u8 = 5;
/// Rate-limited: try again after the time the message gives.
pub const TOO_MANY_REQUESTS: u8 = 6;
/// Refused for another reason the message gives (invalid input, not yours, a conflict).
pub const REFUSED: u8 = 7;

pub fn code_of(error: &ClientError) -> u8 {
    match error {
        ClientError::NotLoggedIn => LOGIN_NEEDED,
        ClientError::Api { code, status, .. } => match code {
            ApiCode::InvalidToken | ApiCode::RefreshTokenReused => LOGIN_NEEDED,
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
