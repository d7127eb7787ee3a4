//! The browser cookies and the origin (CSRF) check of docs/COOKIES.md.

mod attributes;
mod forwarded;
mod origin;
mod planted;

use crate::helpers::{set_cookies, SetCookie, TestApp, Tokens};
use reqwest::{Method, StatusCode};
use serde_json::json;

pub(super) async fn logged_in(app: &TestApp) -> (Tokens, Vec<SetCookie>) {
    let user = app.register_user("alice").await;
    let response = app
        .login(&json!({"username": user.username, "password": user.password}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(response.headers());
    (Tokens::from_body(response.json().await.unwrap()), cookies)
}

/// The exact attribute set of docs/COOKIES.md, The two cookies.
pub(super) fn assert_token_cookie(
    cookie: &SetCookie,
    value: &str,
    path: &str,
    max_age: i64,
    secure: bool,
) {
    let name = &cookie.name;
    assert_eq!(cookie.value, value, "{name} carries the token");
    assert_eq!(cookie.attr("path"), Some(path), "{name}");
    assert!(cookie.has("httponly"), "{name} is HttpOnly");
    assert_eq!(cookie.has("secure"), secure, "{name} Secure");
    assert_eq!(cookie.attr("samesite"), Some("Strict"), "{name}");
    assert!(!cookie.has("domain"), "{name} has no Domain");
    let actual: i64 = cookie.attr("max-age").unwrap().parse().unwrap();
    assert!(
        (max_age - 2..=max_age).contains(&actual),
        "{name} Max-Age {actual}, expected {max_age}"
    );
}

pub(super) fn cookie_request(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: String,
) -> reqwest::RequestBuilder {
    app.request(method, path).header("cookie", cookie)
}
