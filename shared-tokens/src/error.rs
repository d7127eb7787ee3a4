//! The errors the extractor returns, rendered as the error body of docs/API.md.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use actix_web_httpauth::headers::www_authenticate::bearer::{Bearer, Error as BearerError};
use service_kit::ErrorBody;

/// Why the access token of a request was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no credentials")]
    MissingCredentials,
    #[error("invalid token")]
    InvalidToken,
    /// The token is good, but its session or account has ended since it was issued
    /// (docs/TOKENS.md, Revocation).
    #[error("the session of this token was revoked")]
    SessionRevoked,
    /// The verifier cannot tell whether the token was revoked: its revocation feed is down and
    /// the token is newer than what it last heard, and it is set to refuse such tokens.
    #[error("revocations are not known for this token")]
    RevocationsUnknown,
    #[error("the Authorization header and the cookie carry different tokens")]
    ConflictingTokens,
    /// The same token cookie twice: a sibling subdomain may have planted one, and taking either
    /// would let it choose whose session the request runs in.
    #[error("a token cookie is sent more than once")]
    DuplicateCookie,
    #[error("cross-site request with cookie credentials")]
    CsrfRejected,
    /// The token is good, but its login is older than `REAUTH_WINDOW` (or it has no
    /// `auth_time`) and the action needs a recent one (docs/TOKENS.md, Recent login).
    #[error("the action needs a recent login")]
    ReauthRequired,
    #[error("token verification is not configured")]
    NotConfigured,
}

/// The `WWW-Authenticate` value for a 401: bare for missing credentials, with the error code for
/// a bad token (RFC 6750 §3).
fn challenge(with_error: bool) -> HeaderValue {
    let mut builder = Bearer::build();
    if with_error {
        builder = builder.error(BearerError::InvalidToken);
    }
    let rendered = builder.finish().to_string();
    HeaderValue::from_str(&rendered).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
}

impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::MissingCredentials | Self::InvalidToken | Self::SessionRevoked => {
                StatusCode::UNAUTHORIZED
            }
            Self::RevocationsUnknown => StatusCode::SERVICE_UNAVAILABLE,
            Self::ConflictingTokens | Self::DuplicateCookie => StatusCode::BAD_REQUEST,
            Self::CsrfRejected | Self::ReauthRequired => StatusCode::FORBIDDEN,
            Self::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (code, message) = match self {
            Self::MissingCredentials => ("unauthorized", "Authentication is required."),
            Self::InvalidToken => (
                "invalid_token",
                "The access token is invalid, expired or revoked.",
            ),
            Self::SessionRevoked => (
                "session_revoked",
                "The session of this access token has ended; log in again.",
            ),
            Self::RevocationsUnknown => (
                "unavailable",
                "Whether this token is still valid cannot be checked right now; try again shortly.",
            ),
            Self::ConflictingTokens => (
                "invalid_request",
                "The request carries two different access tokens.",
            ),
            Self::DuplicateCookie => (
                "invalid_request",
                "The request carries the same token cookie more than once; clear this site's cookies and log in again.",
            ),
            Self::CsrfRejected => (
                "csrf_rejected",
                "Cookie-authenticated requests must come from an allowed origin.",
            ),
            Self::ReauthRequired => (
                "reauth_required",
                "This action needs a recent login: confirm your password (POST /auth/reauthenticate) and try again.",
            ),
            Self::NotConfigured => ("internal", "An internal error occurred."),
        };
        let mut response = ErrorBody::new(code, message).respond(self.status_code());
        match self {
            Self::MissingCredentials => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, challenge(false));
            }
            Self::InvalidToken | Self::SessionRevoked => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, challenge(true));
            }
            Self::RevocationsUnknown => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            _ => {}
        }
        response
    }
}
