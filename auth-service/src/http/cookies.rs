//! The browser cookies of docs/COOKIES.md: `HttpOnly`, `SameSite=Strict`, `Secure` unless
//! `COOKIE_SECURE=false`, `Path=/`, no `Domain`, `Max-Age` equal to the token's lifetime.
//!
//! `Path=/` and no `Domain` are what the `__Host-` names of secure mode require: a cookie of that
//! name can only come from this host, so a sibling subdomain cannot plant one.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::HttpResponseBuilder;
use shared_tokens::CookieNames;

fn cookie(names: CookieNames, name: &'static str, value: String, max_age: i64) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(names.secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(max_age.max(0)))
        .finish()
}

pub fn set_tokens(
    response: &mut HttpResponseBuilder,
    names: CookieNames,
    access: &str,
    access_max_age: i64,
    refresh: &str,
    refresh_max_age: i64,
) {
    response.cookie(cookie(
        names,
        names.access,
        access.to_owned(),
        access_max_age,
    ));
    response.cookie(cookie(
        names,
        names.refresh,
        refresh.to_owned(),
        refresh_max_age,
    ));
}

/// The access cookie alone, for an answer that leaves the refresh token as it is
/// (reauthentication).
pub fn set_access(
    response: &mut HttpResponseBuilder,
    names: CookieNames,
    access: &str,
    max_age: i64,
) {
    response.cookie(cookie(names, names.access, access.to_owned(), max_age));
}

/// Expires both cookies: same names and path, empty value, `Max-Age=0`.
pub fn clear_tokens(response: &mut HttpResponseBuilder, names: CookieNames) {
    response.cookie(cookie(names, names.access, String::new(), 0));
    response.cookie(cookie(names, names.refresh, String::new(), 0));
}
