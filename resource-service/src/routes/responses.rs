//! The error responses only resource-service gives, written once for the handlers that give them.
//! The ones both services share are in `service_kit::openapi_responses`. Like `schemas.rs`, this
//! imports nothing of the routes, so handlers can use it without a circle through the document.

use service_kit::openapi::ApiErrorBody;
use utoipa::IntoResponses;

/// 404 `not_found` for the `/photos/{id}` routes.
#[derive(IntoResponses)]
#[response(status = 404, description = "No such photo, or a malformed id")]
pub struct PhotoNotFound(pub ApiErrorBody);
