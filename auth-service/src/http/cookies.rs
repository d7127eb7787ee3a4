//! The browser cookies of docs/COOKIES.md: `HttpOnly`, `SameSite=Strict`, `Secure` unless
//! `COOKIE_SECURE=false`, no `Domain`, `Max-Age` equal to the token's lifetime.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::HttpResponseBuilder;
use shared_tokens::CookieNames;

fn cookie(
    names: CookieNames,
    name: &'static str,
    path: &'static str,
    value: String,
    max_age: i64,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path(path)
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
        "/",
        access.to_owned(),
        access_max_age,
    ));
    response.cookie(cookie(
        names,
        names.refresh,
        "/auth",
        refresh.to_owned(),
        refresh_max_age,
    ));
}

/// Expires both cookies: same names and paths, empty value, `Max-Age=0`.
pub fn clear_tokens(response: &mut HttpResponseBuilder, names: CookieNames) {
    response.cookie(cookie(names, names.access, "/", String::new(), 0));
    response.cookie(cookie(names, names.refresh, "/auth", String::new(), 0));
}
