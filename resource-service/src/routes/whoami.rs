//! `GET /whoami`: the identity in the verified token, nothing else. The hot path (a gateway's
//! forward-auth check): no database, no logging, and only the few small allocations the response
//! itself needs.

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use serde::Serialize;
use shared_tokens::Authenticated;
use uuid::Uuid;

#[derive(Serialize)]
struct WhoAmI<'a> {
    user_id: Uuid,
    username: &'a str,
    email: &'a str,
    full_name: &'a str,
    roles: &'a [String],
    session_id: Uuid,
    expires_at: Option<DateTime<Utc>>,
}

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
