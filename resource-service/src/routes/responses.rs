//! The error responses only resource-service gives, written once for the handlers that give them.
//! The ones both services share are in `service_kit::openapi_responses`. Like `schemas.rs`, this
//! imports nothing of the routes, so handlers can use it without a circle through the document.

use service_kit::openapi::ApiErrorBody;
use utoipa::IntoResponses;

/// 404 `not_found` for the `/photos/{id}` routes.
#[derive(IntoResponses)]
#[response(status = 404, description = "No such photo, or a malformed id")]
pub struct PhotoNotFound(pub ApiErrorBody);

/// 304: the client's copy is current (`If-None-Match`); nothing is read from the store.
#[derive(IntoResponses)]
#[response(
    status = 304,
    description = "The client's copy is current",
    headers(("ETag" = String), ("Cache-Control" = String))
)]
pub struct NotModified;

/// 206: the one range `Range` asked for.
#[derive(IntoResponses)]
#[response(
    status = 206,
    description = "The one byte range asked for (several ranges are answered whole, with 200)",
    content_type = "application/octet-stream",
    headers(
        ("Content-Range" = String, description = "`bytes first-last/size`"),
        ("ETag" = String),
        ("Content-Length" = i64),
    )
)]
pub struct PartialContent(pub Vec<u8>);

/// 416 `range_not_satisfiable`: the range starts past the end.
#[derive(IntoResponses)]
#[response(
    status = 416,
    description = "`range_not_satisfiable`: the range starts past the end of the bytes",
    headers(("Content-Range" = String, description = "`bytes */size`"))
)]
pub struct RangeNotSatisfiable(pub ApiErrorBody);

/// The request headers of a photo's bytes (docs/API.md, "Photo bytes").
#[derive(utoipa::IntoParams)]
#[into_params(names("If-None-Match", "Range", "If-Range"), parameter_in = Header)]
pub struct ContentHeaders(
    /// ETags the client holds: 304 when one is current.
    pub Option<String>,
    /// One byte range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`: 206.
    pub Option<String>,
    /// The ETag the range belongs to: a different (stale) one gets the whole bytes.
    pub Option<String>,
);
