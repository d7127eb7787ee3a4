//! The OpenAPI pieces both services' documents share: the SPEC §4 error body, the access-token
//! security schemes, and the `/metrics` operation.

use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::ToSchema;

/// Every error: `{"error": "<code>", "message": "...", "fields"?: {name: reason}}` (SPEC §4).
#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// invalid_request, unauthorized, invalid_token, invalid_credentials (auth),
    /// refresh_token_reused (auth), forbidden, csrf_rejected, not_found, conflict (auth),
    /// payload_too_large, unsupported_media_type (resource), too_many_requests (auth),
    /// unavailable or internal.
    pub error: String,
    /// One human sentence.
    pub message: String,
    /// Per-field reasons, for `invalid_request`.
    pub fields: Option<BTreeMap<String, String>>,
}

/// Adds `bearer` (the access JWT in `Authorization`) and `access_cookie` to `openapi`.
pub fn add_access_schemes(openapi: &mut utoipa::openapi::OpenApi) {
    let components = openapi.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("The access token issued by auth-service."))
                .build(),
        ),
    );
    components.add_security_scheme(
        "access_cookie",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "__Host-access_token",
            "The access-token cookie set by auth-service (named `access_token` when \
             COOKIE_SECURE=false). Unsafe methods must pass the origin check.",
        ))),
    );
}
