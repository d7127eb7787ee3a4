//! `ApiError`: every way an auth-service request can fail, and the one place each failure is
//! mapped to its status, code and headers (docs/API.md, Error body).
//!
//! The application layer returns its own errors ([`AccountError`], [`SessionError`]) and knows
//! nothing of HTTP; they convert into `ApiError` here. A database outage is the shared
//! [`DbError`]: 503 with `Retry-After`; an unexpected error is a bare 500 whose cause goes only
//! to the log.

use crate::account::AccountError;
use crate::domain::InvalidFields;
use crate::sessions::SessionError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use service_kit::observe::TokenRejected;
use service_kit::request_errors::{RequestError, MAX_JSON_BYTES};
use service_kit::DbError;
use service_kit::ErrorBody;
use shared_tokens::AuthError;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid request: {message}")]
    InvalidRequest {
        message: String,
        fields: BTreeMap<String, String>,
    },
    /// The access token (or the refresh cookie's origin) was refused.
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    #[error("not found")]
    NotFound,
    /// The request contradicts the state it names (an event-feed position the log never had).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error(transparent)]
    Database(#[from] DbError),
}

impl ApiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }

    pub fn invalid_token() -> Self {
        Self::Auth(AuthError::InvalidToken)
    }
}

impl From<InvalidFields> for ApiError {
    fn from(InvalidFields(fields): InvalidFields) -> Self {
        Self::InvalidRequest {
            message: "Some fields are invalid.".into(),
            fields,
        }
    }
}

fn with_retry_after(mut response: HttpResponse, seconds: Option<u64>) -> HttpResponse {
    if let Some(seconds) = seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A refused refresh token is a 401 like a refused access token, with the same challenge
/// (RFC 6750), so a client's one handler for "log in again" sees both alike.
fn with_invalid_token_challenge(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

fn internal(cause: &dyn std::fmt::Display) -> HttpResponse {
    DbError::Internal(cause.to_string()).error_response()
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Auth(inner) => inner.status_code(),
            Self::Account(AccountError::Invalid(_)) => StatusCode::BAD_REQUEST,
            Self::Account(AccountError::InvalidCredentials { .. }) => StatusCode::UNAUTHORIZED,
            Self::Account(AccountError::WrongPassword { .. } | AccountError::ReauthRequired) => {
                StatusCode::FORBIDDEN
            }
            Self::Account(AccountError::Taken(_) | AccountError::NothingToVerify) => {
                StatusCode::CONFLICT
            }
            Self::Account(AccountError::InvalidLinkToken) => StatusCode::BAD_REQUEST,
            Self::Account(AccountError::TooManyMails { .. }) => StatusCode::TOO_MANY_REQUESTS,
            Self::Account(AccountError::Session(inner)) | Self::Session(inner) => match inner {
                SessionError::InvalidRefreshToken(_) | SessionError::Reused { .. } => {
                    StatusCode::UNAUTHORIZED
                }
                SessionError::NotFound => StatusCode::NOT_FOUND,
                SessionError::Ended => StatusCode::UNAUTHORIZED,
                SessionError::Database(db) => db.status_code(),
                SessionError::Signing(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            Self::Account(AccountError::Database(db)) | Self::Database(db) => db.status_code(),
            Self::Account(AccountError::Hashing(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Account(AccountError::Busy) => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            Self::InvalidRequest { message, fields } => {
                let body = ErrorBody::new("invalid_request", message);
                if fields.is_empty() {
                    body.respond(status)
                } else {
                    body.with_fields(fields).respond(status)
                }
            }
            Self::Auth(inner) => inner.error_response(),
            Self::Account(error) => account_error(error, status),
            Self::Session(error) => session_error(error, status),
            Self::TooManyRequests { retry_after } => with_retry_after(
                ErrorBody::new("too_many_requests", "Too many requests; try again later.")
                    .respond(status),
                Some(*retry_after),
            ),
            Self::NotFound => RequestError::NotFound.error_response(),
            Self::Conflict(message) => ErrorBody::new("conflict", message).respond(status),
            Self::PayloadTooLarge => RequestError::TooLarge {
                limit: MAX_JSON_BYTES,
            }
            .error_response(),
            Self::Database(db) => db.error_response(),
        }
    }
}

fn account_error(error: &AccountError, status: StatusCode) -> HttpResponse {
    match error {
        AccountError::Invalid(InvalidFields(fields)) => {
            ErrorBody::new("invalid_request", "Some fields are invalid.")
                .with_fields(fields)
                .respond(status)
        }
        AccountError::InvalidCredentials { retry_after } => with_retry_after(
            ErrorBody::new(
                "invalid_credentials",
                "The username, email or password is incorrect.",
            )
            .respond(status),
            *retry_after,
        ),
        AccountError::WrongPassword { retry_after } => with_retry_after(
            ErrorBody::new("forbidden", "The password is incorrect.").respond(status),
            *retry_after,
        ),
        AccountError::ReauthRequired => AuthError::ReauthRequired.error_response(),
        AccountError::Taken(field) => {
            let message = format!("That {field} is already taken.");
            let fields = BTreeMap::from([((*field).to_owned(), "is already taken".to_owned())]);
            ErrorBody::new("conflict", &message)
                .with_fields(&fields)
                .respond(status)
        }
        AccountError::InvalidLinkToken => ErrorBody::new(
            "invalid_token",
            "This link is invalid, was already used or has expired; ask for a new one.",
        )
        .respond(status),
        AccountError::NothingToVerify => ErrorBody::new(
            "conflict",
            "The email address is already verified and no change waits for verification.",
        )
        .respond(status),
        AccountError::TooManyMails { retry_after } => with_retry_after(
            ErrorBody::new(
                "too_many_requests",
                "Too many mails were asked for this address; try again later.",
            )
            .respond(status),
            Some(*retry_after),
        ),
        AccountError::Session(inner) => session_error(inner, status),
        AccountError::Database(db) => db.error_response(),
        AccountError::Hashing(cause) => internal(cause),
        AccountError::Busy => with_retry_after(
            ErrorBody::new(
                "unavailable",
                "The service is busy checking passwords; try again shortly.",
            )
            .respond(status),
            Some(1),
        ),
    }
}

fn session_error(error: &SessionError, status: StatusCode) -> HttpResponse {
    match error {
        SessionError::InvalidRefreshToken(reason) => {
            let mut response = with_invalid_token_challenge(
                ErrorBody::new(
                    "invalid_token",
                    "The refresh token is invalid, expired or revoked; log in again.",
                )
                .respond(status),
            );
            // The access log's reason for the refusal, wherever in the refresh it happened.
            response.extensions_mut().insert(TokenRejected(reason));
            response
        }
        SessionError::Reused { .. } => with_invalid_token_challenge(
            ErrorBody::new(
                "refresh_token_reused",
                "This refresh token was already used; the session has been revoked.",
            )
            .respond(status),
        ),
        SessionError::NotFound => RequestError::NotFound.error_response(),
        SessionError::Ended => AuthError::InvalidToken.error_response(),
        SessionError::Database(db) => db.error_response(),
        SessionError::Signing(cause) => internal(cause),
    }
}
