//! One handler file per concern; `configure` mounts them all.

mod health;
mod login;
mod logout;
mod me;
pub mod openapi;
mod password;
mod refresh;
mod register;
mod sessions;

use crate::cookies;
use crate::error::ApiError;
use crate::rotation::Granted;
use crate::tokens::Issuer;
use crate::views::TokenResponse;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(health::index))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/openapi.json", web::get().to(openapi::document))
        .route("/metrics", web::get().to(service_kit::metrics::endpoint))
        .route("/auth/register", web::post().to(register::register))
        .route("/auth/login", web::post().to(login::login))
        .route("/auth/refresh", web::post().to(refresh::refresh))
        .route("/auth/logout", web::post().to(logout::logout))
        .route("/auth/logout-all", web::post().to(logout::logout_all))
        .route("/auth/sessions", web::get().to(sessions::list))
        .route("/auth/sessions/{id}", web::delete().to(sessions::revoke))
        .route("/auth/me", web::get().to(me::show))
        .route("/auth/me", web::patch().to(me::update))
        .route("/auth/me", web::delete().to(me::delete))
        .route("/auth/password", web::post().to(password::change));
}

/// The `TokenResponse` of login and refresh, with the cookies and `Cache-Control: no-store`.
fn token_response(issuer: &Issuer, granted: Granted) -> Result<HttpResponse, ApiError> {
    let now = shared_tokens::now_unix();
    let access_token = issuer.access_token(&granted.user, granted.session_id, now)?;
    let expires_in = issuer.access_lifetime().as_secs() as i64;
    let refresh_expires_in = (granted.refresh_expires_at - now).max(0);
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    cookies::set_tokens(
        &mut response,
        issuer.access_policy().cookies,
        &access_token,
        expires_in,
        &granted.refresh_token,
        refresh_expires_in,
    );
    Ok(response.json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
        refresh_token: granted.refresh_token,
        refresh_expires_in,
        session_id: granted.session_id,
        user: granted.user.into(),
    }))
}

/// A 204 that also expires the token cookies.
fn no_content_clearing_cookies(issuer: &Issuer) -> HttpResponse {
    let mut response = HttpResponse::NoContent();
    cookies::clear_tokens(&mut response, issuer.access_policy().cookies);
    response.finish()
}

/// The raw body of refresh and logout, whose extractor errors would otherwise be actix's plain
/// text: an oversized body is 413 `payload_too_large`, anything else unreadable a 400.
fn read_body(body: Result<web::Bytes, actix_web::Error>) -> Result<web::Bytes, ApiError> {
    body.map_err(|e| {
        if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::invalid("The request body could not be read.")
        }
    })
}

/// The refresh token of a request, from the JSON body `{refresh_token}` or the refresh cookie,
/// and whether it came from the cookie. Two different tokens are a 400.
fn presented_refresh_token(
    req: &HttpRequest,
    body: &[u8],
    issuer: &Issuer,
) -> Result<Option<(String, bool)>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Body {
        refresh_token: Option<String>,
    }
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<Body>(body)
            .map_err(|_| ApiError::invalid("The request body is not valid JSON."))?
            .refresh_token
            .filter(|t| !t.is_empty())
    };
    let from_cookie = req
        .cookie(issuer.access_policy().cookies.refresh)
        .map(|c| c.value().to_owned())
        .filter(|t| !t.is_empty());
    match (from_body, from_cookie) {
        (Some(b), Some(c)) if b != c => Err(ApiError::invalid(
            "The request carries two different refresh tokens.",
        )),
        (Some(b), _) => Ok(Some((b, false))),
        (None, Some(c)) => Ok(Some((c, true))),
        (None, None) => Ok(None),
    }
}
