//! The answers several handlers give: the token response of login and refresh (and its
//! reauthentication variant), and the 204 that clears the token cookies.

use crate::http::{cookies, TokenDelivery};
use crate::sessions::{Renewed, Tokens};
use crate::views;
use actix_web::http::header;
use actix_web::HttpResponse;
use shared_tokens::{AccessPolicy, CredentialSource};

/// The `TokenResponse` of login and refresh, with the cookies and `Cache-Control: no-store`; the
/// refresh token is in the body unless the client asked for it in the cookie only.
pub fn token_response(
    policy: &AccessPolicy,
    tokens: Tokens,
    delivery: TokenDelivery,
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    cookies::set_tokens(
        &mut response,
        policy.cookies,
        &tokens.access_token,
        tokens.expires_in,
        &tokens.refresh_token,
        tokens.refresh_expires_in,
    );
    response.json(views::token_response(tokens, delivery))
}

/// The `TokenResponse` of reauthentication, without a refresh token (the session's stays); the
/// new access token also goes in its cookie when the request came with that cookie.
pub fn renewed_response(
    policy: &AccessPolicy,
    renewed: Renewed,
    source: CredentialSource,
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    if source == CredentialSource::Cookie {
        cookies::set_access(
            &mut response,
            policy.cookies,
            &renewed.access_token,
            renewed.expires_in,
        );
    }
    response.json(views::renewed_response(renewed))
}

/// A 204 that also expires the token cookies.
pub fn no_content_clearing_cookies(policy: &AccessPolicy) -> HttpResponse {
    let mut response = HttpResponse::NoContent();
    cookies::clear_tokens(&mut response, policy.cookies);
    response.finish()
}
