//! `GET /whoami`: the identity in the verified token, nothing else. The hot path (a gateway's
//! forward-auth check): no database, no logging, and only the few small allocations the response
//! itself needs.

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use serde::Serialize;
use service_kit::openapi_responses::{TwoTokens, Unauthorized};
use shared_tokens::Authenticated;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
struct WhoAmI<'a> {
    user_id: Uuid,
    username: &'a str,
    email: &'a str,
    full_name: &'a str,
    roles: &'a [String],
    session_id: Uuid,
    expires_at: Option<DateTime<Utc>>,
}

/// The caller's identity, from the verified token alone.
#[utoipa::path(
    get,
    path = "/whoami",
    tag = "identity",
    responses(
        (status = 200, description = "The identity in the token", body = WhoAmI, headers(
            ("X-User-Id" = Uuid, description = "The caller's user id"),
            ("X-User-Roles" = String, description = "The caller's roles, comma-separated"),
        )),
        TwoTokens,
        Unauthorized,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn whoami(auth: Authenticated) -> HttpResponse {
    let claims = &auth.claims;
    let mut id_buffer = Uuid::encode_buffer();
    let user_id = claims.sub.hyphenated().encode_lower(&mut id_buffer);

    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    if let Ok(value) = HeaderValue::from_str(user_id) {
        response.insert_header(("x-user-id", value));
    }
    // Roles come from a token we signed; one that cannot be a header value is left out rather
    // than failing the request.
    if let Ok(value) = HeaderValue::try_from(claims.roles.join(",")) {
        response.insert_header(("x-user-roles", value));
    }
    response.json(WhoAmI {
        user_id: claims.sub,
        username: &claims.username,
        email: &claims.email,
        full_name: &claims.name,
        roles: &claims.roles,
        session_id: claims.sid,
        expires_at: DateTime::from_timestamp(claims.exp, 0),
    })
}
