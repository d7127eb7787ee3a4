//! The one error type of this service's HTTP layer, rendered as the error bodies of docs/API.md.
//!
//! Handlers and the database helper return [`ApiError`]. Client mistakes carry a short message;
//! a database that cannot be reached is 503 `unavailable`; Diesel's `NotFound` is 404; anything
//! else is logged with its cause and answered with a bare 500 `internal`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use shared_tokens::{AuthError, ErrorBody};
use std::collections::BTreeMap;

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The access token was missing, bad, or came from a refused origin.
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("invalid request: {message}")]
    InvalidRequest {
        message: String,
        fields: BTreeMap<String, String>,
    },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// `what` names the thing that was too large ("Photos", "The request body").
    #[error("{what} larger than {limit} bytes")]
    PayloadTooLarge { what: &'static str, limit: usize },
    /// The account already has `limit` photos (`MAX_PHOTOS_PER_USER`).
    #[error("photo quota of {limit} reached")]
    QuotaExceeded { limit: i64 },
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(&'static str),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(#[source] BoxError),
}

impl ApiError {
    /// A 400 without per-field reasons.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }

    /// A 400 naming the fields at fault.
    pub fn invalid_fields(fields: BTreeMap<String, String>) -> Self {
        Self::InvalidRequest {
            message: "Some fields are invalid.".to_owned(),
            fields,
        }
    }

    /// A 400 for one field.
    pub fn invalid_field(name: &str, reason: impl Into<String>) -> Self {
        Self::invalid_fields(BTreeMap::from([(name.to_owned(), reason.into())]))
    }

    pub fn internal(error: impl Into<BoxError>) -> Self {
        Self::Internal(error.into())
    }
}

/// The whole cause chain on one line, for the log.
fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Auth(auth) => auth.status_code(),
            Self::InvalidRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::PayloadTooLarge { .. } | Self::QuotaExceeded { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            Self::Auth(auth) => auth.error_response(),
            Self::InvalidRequest { message, fields } => {
                let body = ErrorBody::new("invalid_request", message);
                if fields.is_empty() {
                    body.respond(status)
                } else {
                    body.with_fields(fields).respond(status)
                }
            }
            Self::Forbidden => {
                ErrorBody::new("forbidden", "You are not allowed to do that.").respond(status)
            }
            Self::NotFound => {
                ErrorBody::new("not_found", "Nothing was found here.").respond(status)
            }
            Self::PayloadTooLarge { what, limit } => ErrorBody::new(
                "payload_too_large",
                &format!("{what} may be at most {limit} bytes."),
            )
            .respond(status),
            Self::QuotaExceeded { limit } => ErrorBody::new(
                "quota_exceeded",
                &format!("An account may keep at most {limit} photos; delete some to upload more."),
            )
            .respond(status),
            Self::UnsupportedMediaType(message) => {
                ErrorBody::new("unsupported_media_type", message).respond(status)
            }
            Self::Unavailable(cause) => {
                log::warn!("database unavailable: {cause}");
                let mut response = ErrorBody::new(
                    "unavailable",
                    "The service is temporarily unavailable; try again shortly.",
                )
                .respond(status);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                response
            }
            Self::Internal(error) => {
                log::error!("internal error: {}", cause_chain(error.as_ref()));
                ErrorBody::new("internal", "An internal error occurred.").respond(status)
            }
        }
    }
}

impl From<DieselError> for ApiError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Self::Unavailable(info.message().to_owned()),
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if is_connection_loss(info.message()) =>
            {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::internal(other),
        }
    }
}

/// PostgreSQL's words for a server that went away under a running query (SQLSTATE 57P01 and
/// friends); Diesel reports them without a dedicated kind.
fn is_connection_loss(message: &str) -> bool {
    message.contains("terminating connection")
        || message.contains("server closed the connection")
        || message.contains("no connection to the server")
}

impl From<service_kit::StoreError> for ApiError {
    fn from(error: service_kit::StoreError) -> Self {
        use service_kit::StoreError;
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::internal(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(error.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    async fn body_of(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = error.error_response();
        let status = response.status();
        let bytes = to_bytes(response.into_body()).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[actix_web::test]
    async fn diesel_not_found_is_a_404() {
        let (status, body) = body_of(DieselError::NotFound.into()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"], "not_found");
    }

    #[actix_web::test]
    async fn internal_errors_hide_their_cause() {
        let (status, body) = body_of(ApiError::internal("secret detail")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"], "internal");
        assert!(!body.to_string().contains("secret detail"));
    }

    #[actix_web::test]
    async fn validation_errors_name_their_fields() {
        let (status, body) = body_of(ApiError::invalid_field("bio", "too long")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_request");
        assert_eq!(body["fields"]["bio"], "too long");
    }

    #[actix_web::test]
    async fn an_unreachable_database_is_a_503() {
        let (status, body) = body_of(ApiError::Unavailable("down".into())).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"], "unavailable");
    }
}
