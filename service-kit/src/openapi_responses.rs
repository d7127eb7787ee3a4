//! The error responses many operations of both services share, each written once. An operation
//! lists the ones it can give in its `responses(...)` next to its own; utoipa inlines them, so
//! the document reads as if each were written out there (docs/API.md, Error body).

use crate::openapi::ApiErrorBody;
use utoipa::IntoResponses;

/// 400 `invalid_request` from the access-token extractor. Operations that also refuse bad input
/// write their own 400, naming every cause.
#[derive(IntoResponses)]
#[response(
    status = 400,
    description = "Two different access tokens (header and cookie), or a token cookie sent twice"
)]
pub struct TwoTokens(pub ApiErrorBody);

/// 401 `unauthorized` or `invalid_token`: every operation that needs the access token.
/// resource-service verifies statelessly, so only auth-service also refuses a token whose
/// session has ended (docs/TOKENS.md).
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "No, bad or expired access token (auth-service: also one whose session has ended)"
)]
pub struct Unauthorized(pub ApiErrorBody);

/// 403 `csrf_rejected`: a cookie-authenticated change from a refused origin.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "`csrf_rejected`: a cookie request from a refused origin"
)]
pub struct CsrfRejected(pub ApiErrorBody);

/// 413 `payload_too_large`: a JSON body over 16 KiB.
#[derive(IntoResponses)]
#[response(status = 413, description = "Body larger than 16 KiB")]
pub struct TooLarge(pub ApiErrorBody);

/// 415 `unsupported_media_type`: a JSON operation called with another `Content-Type`.
#[derive(IntoResponses)]
#[response(
    status = 415,
    description = "The body is not sent as `Content-Type: application/json`"
)]
pub struct NotJson(pub ApiErrorBody);

/// 429 `too_many_requests`: the per-address limit (`RATE_LIMIT_PER_IP`).
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "Rate limited",
    headers(("Retry-After" = u64, description = "Seconds to wait"))
)]
pub struct RateLimited(pub ApiErrorBody);

/// 500 and 503: every operation that reads or writes the database.
#[derive(IntoResponses)]
pub enum ServerErrors {
    #[response(status = 500, description = "Internal error")]
    Internal(ApiErrorBody),
    #[response(
        status = 503,
        description = "Database unavailable",
        headers(("Retry-After" = u64, description = "Seconds to wait"))
    )]
    Unavailable(ApiErrorBody),
}
