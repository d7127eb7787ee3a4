//! One handler file per concern; `configure` mounts them all.

mod health;
mod json;
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
use crate::ratelimit;
use crate::rotation::Granted;
use crate::tokens::Issuer;
use crate::views::TokenResponse;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{web, HttpRequest, HttpResponse};

/// The per-address limit on one route, as route middleware: it runs once routing has chosen the
/// handler, so no other spelling of the path reaches the handler unlimited.
macro_rules! limited {
    ($route:expr, $name:literal) => {
        $route.wrap(from_fn(|req, next| ratelimit::limit($name, req, next)))
    };
}

/// One `web::resource` per path, holding every route of that path: a method the path does not
/// serve is then answered 405 with `Allow` (`service_kit::method_not_allowed`), where separate
/// `cfg.route` calls would let it fall through to the 404 of the default service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(health::index)))
        .service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/openapi.json").route(web::get().to(openapi::document)))
        .service(
            web::resource("/auth/register")
                .route(limited!(web::post().to(register::register), "register")),
        )
        .service(
            web::resource("/auth/login").route(limited!(web::post().to(login::login), "login")),
        )
        .service(
            web::resource("/auth/refresh")
                .route(limited!(web::post().to(refresh::refresh), "refresh")),
        )
        .service(web::resource("/auth/logout").route(web::post().to(logout::logout)))
        .service(web::resource("/auth/logout-all").route(web::post().to(logout::logout_all)))
        .service(web::resource("/auth/sessions").route(web::get().to(sessions::list)))
        .service(web::resource("/auth/sessions/{id}").route(web::delete().to(sessions::revoke)))
        .service(
            web::resource("/auth/me")
                .route(web::get().to(me::show))
                .route(web::patch().to(me::update))
                .route(limited!(web::delete().to(me::delete), "delete_account")),
        )
        .service(
            web::resource("/auth/password")
                .route(limited!(web::post().to(password::change), "password")),
        );
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
/// and whether it came from the cookie. Two different tokens, or the refresh cookie sent twice,
/// are a 400.
fn presented_refresh_token(
    req: &HttpRequest,
    body: &[u8],
    issuer: &Issuer,
) -> Result<Option<(String, bool)>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Body {
        refresh_token: Option<String>,
    }
    // No body and a `null` body are the same: the cookie (or, for logout, the access token) is
    // the credential then. Anything else must be a JSON object (whitespace alone is not JSON).
    let from_body = if body.is_empty() {
        None
    } else {
        let object =
            serde_json::from_slice::<Option<serde_json::Map<_, _>>>(body).map_err(|_| {
                ApiError::invalid("The request body must be a JSON object `{refresh_token}`.")
            })?;
        object
            .map(json::from_object::<Body>)
            .transpose()?
            .and_then(|body| body.refresh_token)
            .filter(|t| !t.is_empty())
    };
    let from_cookie =
        shared_tokens::extract::unique_cookie(req, issuer.access_policy().cookies.refresh)?;
    match (from_body, from_cookie) {
        (Some(b), Some(c)) if b != c => Err(ApiError::invalid(
            "The request carries two different refresh tokens.",
        )),
        (Some(b), _) => Ok(Some((b, false))),
        (None, Some(c)) => Ok(Some((c, true))),
        (None, None) => Ok(None),
    }
}
