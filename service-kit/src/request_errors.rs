//! What both services answer when actix's extractors refuse a request before any handler runs
//! (a body that is not JSON, too large or malformed; a query or path that does not parse) and
//! for an unknown path: the error body of docs/API.md, the same on both services.
//!
//! Register the configs as app data and [`not_found`] as the default service. No answer quotes
//! the parser's own message: it may repeat the input, and the input may be a password.

use crate::ErrorBody;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

/// The largest JSON body either service takes (docs/API.md, Limits).
pub const MAX_JSON_BYTES: usize = 16 * 1024;

/// A request refused before its handler ran.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// 400 `invalid_request`, with a message that says what was wrong without quoting it.
    #[error("invalid request: {0}")]
    Invalid(&'static str),
    /// 404 `not_found`: an unknown path, or a path parameter that names nothing.
    #[error("not found")]
    NotFound,
    /// 413 `payload_too_large`.
    #[error("body larger than {limit} bytes")]
    TooLarge { limit: usize },
    /// 415 `unsupported_media_type`: a JSON operation called with another `Content-Type`.
    #[error("body not sent as application/json")]
    NotJson,
}

impl ResponseError for RequestError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            Self::Invalid(message) => ErrorBody::new("invalid_request", message).respond(status),
            Self::NotFound => {
                ErrorBody::new("not_found", "Nothing was found here.").respond(status)
            }
            Self::TooLarge { limit } => ErrorBody::new(
                "payload_too_large",
                &format!("The request body may be at most {limit} bytes."),
            )
            .respond(status),
            Self::NotJson => ErrorBody::new(
                "unsupported_media_type",
                "Send the body as JSON, with Content-Type: application/json.",
            )
            .respond(status),
        }
    }
}

/// JSON bodies of at most `limit` bytes. A wrong `Content-Type` is 415, an oversized body 413,
/// anything unreadable 400.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |error, _req: &HttpRequest| json_error(&error, limit).into())
}

fn json_error(error: &JsonPayloadError, limit: usize) -> RequestError {
    match error {
        JsonPayloadError::ContentType => RequestError::NotJson,
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            RequestError::TooLarge { limit }
        }
        _ => RequestError::Invalid("The request body is not valid JSON for this endpoint."),
    }
}

/// Raw bodies (`web::Bytes`) of at most `limit` bytes. Its refusals have no handler of their own
/// in actix: a service maps the `Bytes` extractor's error where it reads one.
pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

/// A query string that does not fit the operation's parameters is a 400.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|_: QueryPayloadError, _req: &HttpRequest| {
        RequestError::Invalid("The query string is not valid for this endpoint.").into()
    })
}

/// Path parameters are ids: one that does not parse names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_: PathError, _req: &HttpRequest| RequestError::NotFound.into())
}

/// The default service: an unknown path is 404 `not_found`.
pub async fn not_found() -> HttpResponse {
    RequestError::NotFound.error_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::{call_service, init_service, read_body, TestRequest};
    use actix_web::App;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Login {
        #[allow(dead_code)]
        password: u32,
    }

    async fn answer(request: TestRequest) -> (StatusCode, serde_json::Value) {
        let app = init_service(
            App::new()
                .app_data(json_config(64))
                .app_data(query_config())
                .app_data(path_config())
                .route(
                    "/json",
                    web::post().to(|_: web::Json<Login>| HttpResponse::Ok()),
                )
                .route(
                    "/query",
                    web::get().to(|_: web::Query<Login>| HttpResponse::Ok()),
                )
                .route(
                    "/path/{id}",
                    web::get().to(|_: web::Path<u32>| HttpResponse::Ok()),
                )
                .default_service(web::to(not_found)),
        )
        .await;
        let response = call_service(&app, request.to_request()).await;
        let status = response.status();
        let body = read_body(response).await;
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[actix_web::test]
    async fn each_refusal_is_the_json_error_body_with_its_status() {
        let cases = [
            (
                TestRequest::post()
                    .uri("/json")
                    .insert_header(("content-type", "text/plain")),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                TestRequest::post()
                    .uri("/json")
                    .set_json(serde_json::json!({"password": "x".repeat(100)})),
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
            ),
            (
                TestRequest::get().uri("/query?password=many"),
                StatusCode::BAD_REQUEST,
                "invalid_request",
            ),
            (
                TestRequest::get().uri("/path/not-a-number"),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (
                TestRequest::get().uri("/nowhere"),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
        ];
        for (request, status, code) in cases {
            let (actual, body) = answer(request).await;
            assert_eq!(actual, status, "{body}");
            assert_eq!(body["error"], code, "{body}");
        }
    }

    #[actix_web::test]
    async fn the_input_is_never_quoted() {
        let secret = "hunter2-secret-passphrase";
        let (status, body) = answer(
            TestRequest::post()
                .uri("/json")
                .set_json(serde_json::json!({ "password": secret })),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(!body.to_string().contains(secret), "{body}");
        let (_, body) = answer(TestRequest::get().uri(&format!("/query?password={secret}"))).await;
        assert!(!body.to_string().contains(secret), "{body}");
    }
}
