//! The one error type of this service's HTTP layer, rendered as the error bodies of docs/API.md.
//!
//! Handlers and extractors return [`ApiError`]; the work's own errors become one in
//! `routes/refusals.rs`. Client mistakes carry a short message. What the database says is
//! classified once, by `service_kit::DbError` (the same for both services): a database that
//! cannot be reached is 503 `unavailable` with `Retry-After`, a missing row 404; anything
//! unexpected is logged with its cause and answered with a bare 500 `internal`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use service_kit::DbError;
use service_kit::ErrorBody;
use shared_tokens::AuthError;
use std::collections::BTreeMap;

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Retry-After` of an upload refused because too many are under way: about one upload's time.
pub const UPLOAD_RETRY_AFTER_SECONDS: u32 = 5;

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
    /// `REQUIRE_VERIFIED_EMAIL` is on and the token says the email is not verified.
    #[error("email not verified")]
    EmailNotVerified,
    #[error("not found")]
    NotFound,
    /// `what` names the thing that was too large ("Photos", "The request body").
    #[error("{what} larger than {limit} bytes")]
    PayloadTooLarge { what: &'static str, limit: usize },
    /// The image declares more pixels than a photo may have (413 `payload_too_large`).
    #[error("image larger than {max_pixels} pixels or {max_side} on a side")]
    ImageTooLarge { max_pixels: u64, max_side: u32 },
    /// Decoding the image would take more than `UPLOAD_DECODE_MEMORY` (413 `payload_too_large`).
    #[error("decoding needs {needed} bytes, over the decode budget of {budget}")]
    DecodeTooLarge { needed: u64, budget: u64 },
    /// `UPLOADS_IN_FLIGHT` uploads are under way on this instance (503 with `Retry-After`).
    #[error("{limit} uploads under way on this instance")]
    UploadsBusy { limit: usize },
    /// The account has `UPLOADS_IN_FLIGHT_PER_USER` uploads under way (429 with `Retry-After`).
    #[error("{limit} uploads of this account under way")]
    TooManyUploads { limit: usize },
    /// The upload body sent nothing for `UPLOAD_STALL_TIMEOUT` (408).
    #[error("the upload body stalled for {seconds} s")]
    BodyStalled { seconds: u64 },
    /// The account already has `limit` photos (`MAX_PHOTOS_PER_USER`).
    #[error("photo quota of {limit} reached")]
    QuotaExceeded { limit: i64 },
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(&'static str),
    /// The database refused or could not be reached, as `DbError` classified it.
    #[error(transparent)]
    Database(#[from] DbError),
    /// Something other than the database went wrong.
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
            Self::Forbidden | Self::EmailNotVerified => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::PayloadTooLarge { .. }
            | Self::ImageTooLarge { .. }
            | Self::DecodeTooLarge { .. }
            | Self::QuotaExceeded { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UploadsBusy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyUploads { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BodyStalled { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Database(error) => error.status_code(),
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
            Self::EmailNotVerified => ErrorBody::new(
                "email_not_verified",
                "Verify your email address before uploading photos: use the link we mailed you.",
            )
            .respond(status),
            // This service's own 404 sentence, whoever found nothing.
            Self::NotFound | Self::Database(DbError::NotFound) => {
                ErrorBody::new("not_found", "Nothing was found here.").respond(status)
            }
            Self::Database(error) => error.error_response(),
            Self::PayloadTooLarge { what, limit } => ErrorBody::new(
                "payload_too_large",
                &format!("{what} may be at most {limit} bytes."),
            )
            .respond(status),
            Self::ImageTooLarge {
                max_pixels,
                max_side,
            } => ErrorBody::new(
                "payload_too_large",
                &format!(
                    "Photos may be at most {} megapixels and {max_side} pixels on a side.",
                    max_pixels / 1_000_000
                ),
            )
            .respond(status),
            Self::DecodeTooLarge { needed, budget } => ErrorBody::new(
                "payload_too_large",
                &format!(
                    "Decoding this image would take {} MiB; at most {} MiB are allowed.",
                    needed.div_ceil(1 << 20),
                    budget >> 20
                ),
            )
            .respond(status),
            Self::UploadsBusy { .. } => retry_later(
                ErrorBody::new(
                    "unavailable",
                    "Too many uploads are under way; try again shortly.",
                )
                .respond(status),
            ),
            Self::TooManyUploads { limit } => retry_later(
                ErrorBody::new(
                    "too_many_requests",
                    &format!(
                        "An account may have {limit} uploads under way at once; wait for one to \
                         finish."
                    ),
                )
                .respond(status),
            ),
            Self::BodyStalled { seconds } => ErrorBody::new(
                "request_timeout",
                &format!("The upload sent nothing for {seconds} seconds and was cut off."),
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
            Self::Internal(error) => {
                log::error!("internal error: {}", cause_chain(error.as_ref()));
                ErrorBody::new("internal", "An internal error occurred.").respond(status)
            }
        }
    }
}

/// `response` with `Retry-After`.
fn retry_later(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(UPLOAD_RETRY_AFTER_SECONDS),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;
    use diesel::result::Error as DieselError;

    async fn body_of(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = error.error_response();
        let status = response.status();
        let bytes = to_bytes(response.into_body()).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[actix_web::test]
    async fn diesel_not_found_is_a_404() {
        let (status, body) = body_of(DbError::from(DieselError::NotFound).into()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"], "not_found");
        assert_eq!(body["message"], "Nothing was found here.");
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
    async fn an_unreachable_database_is_a_503_asking_to_retry() {
        let error = ApiError::from(DbError::Unavailable("down".into()));
        let response = error.error_response();
        assert!(response.headers().contains_key("retry-after"));
        let (status, body) = body_of(error).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"], "unavailable");
    }
}
