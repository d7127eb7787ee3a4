//! `ApiError`: every way an auth-service request can fail, rendered as the error body of
//! docs/API.md.
//!
//! Handlers and services return `ApiError`; database and pool errors convert into it, so an
//! outage becomes 503 and an unexpected error a bare 500 whose cause goes only to the log.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use shared_tokens::{AuthError, ErrorBody};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid request: {message}")]
    InvalidRequest {
        message: String,
        fields: BTreeMap<String, String>,
    },
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A failed login; `retry_after` once the address is in backoff (a throttled attempt looks
    /// exactly like this).
    #[error("login failed")]
    InvalidCredentials { retry_after: Option<u64> },
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    #[error("refresh token reused")]
    RefreshTokenReused,
    /// A refresh token that does not verify, or whose session is over: 401 `invalid_token`,
    /// saying which token it was.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("forbidden")]
    Forbidden,
    /// A password re-check failed or was not evaluated (backoff): 403 `forbidden`, with
    /// `Retry-After` once the caller is in backoff.
    #[error("wrong password")]
    WrongPassword { retry_after: Option<u64> },
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }

    pub fn invalid_fields(fields: BTreeMap<String, String>) -> Self {
        Self::InvalidRequest {
            message: "Some fields are invalid.".into(),
            fields,
        }
    }

    pub fn invalid_token() -> Self {
        Self::Auth(AuthError::InvalidToken)
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

impl From<DieselError> for ApiError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let field = match info.constraint_name() {
                    Some(c) if c.contains("email") => "email",
                    Some(c) if c.contains("username") => "username",
                    _ => "record",
                };
                Self::Conflict(field.to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | DieselError::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _)
            | DieselError::BrokenTransactionManager => Self::Unavailable(error.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<service_kit::StoreError> for ApiError {
    fn from(error: service_kit::StoreError) -> Self {
        use service_kit::StoreError;
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(error: r2d2::Error) -> Self {
        Self::Unavailable(error.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Auth(inner) => inner.status_code(),
            Self::InvalidCredentials { .. }
            | Self::RefreshTokenReused
            | Self::InvalidRefreshToken => StatusCode::UNAUTHORIZED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden | Self::WrongPassword { .. } => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
            Self::InvalidCredentials { retry_after } => {
                let mut response = ErrorBody::new(
                    "invalid_credentials",
                    "The username, email or password is incorrect.",
                )
                .respond(status);
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
                }
                response
            }
            Self::TooManyRequests { retry_after } => {
                let mut response =
                    ErrorBody::new("too_many_requests", "Too many requests; try again later.")
                        .respond(status);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
                response
            }
            Self::RefreshTokenReused => {
                let mut response = ErrorBody::new(
                    "refresh_token_reused",
                    "This refresh token was already used; the session has been revoked.",
                )
                .respond(status);
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
                response
            }
            Self::InvalidRefreshToken => ErrorBody::new(
                "invalid_token",
                "The refresh token is invalid, expired or revoked; log in again.",
            )
            .respond(status),
            Self::Forbidden => {
                ErrorBody::new("forbidden", "You are not allowed to do this.").respond(status)
            }
            Self::WrongPassword { retry_after } => {
                let mut response =
                    ErrorBody::new("forbidden", "The password is incorrect.").respond(status);
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
                }
                response
            }
            Self::NotFound => {
                ErrorBody::new("not_found", "The resource does not exist.").respond(status)
            }
            Self::Conflict(field) => {
                let message = format!("That {field} is already taken.");
                let fields = BTreeMap::from([(field.clone(), "is already taken".to_owned())]);
                ErrorBody::new("conflict", &message)
                    .with_fields(&fields)
                    .respond(status)
            }
            Self::PayloadTooLarge => {
                ErrorBody::new("payload_too_large", "The request body is too large.")
                    .respond(status)
            }
            Self::Unavailable(cause) => {
                log::warn!("database unavailable: {cause}");
                ErrorBody::new(
                    "unavailable",
                    "The service is temporarily unavailable; try again shortly.",
                )
                .respond(status)
            }
            Self::Internal(cause) => {
                log::error!("internal error: {cause}");
                ErrorBody::new("internal", "An internal error occurred.").respond(status)
            }
        }
    }
}
