//! The answers several handlers give: the token response of login and refresh, and the 204
//! that clears the token cookies.

use crate::http::{cookies, TokenDelivery};
use crate::sessions::Tokens;
use crate::views;
use actix_web::http::header;
use actix_web::HttpResponse;
use shared_tokens::AccessPolicy;

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

/// A 204 that also expires the token cookies.
pub fn no_content_clearing_cookies(policy: &AccessPolicy) -> HttpResponse {
    let mut response = HttpResponse::NoContent();
    cookies::clear_tokens(&mut response, policy.cookies);
    response.finish()
}
