//! `X-Token-Delivery: cookie` on login and refresh: the refresh token travels only in its cookie
//! (docs/COOKIES.md, Cookie-only delivery); without the header nothing changes.

use crate::helpers::{assert_error, find_cookie, set_cookies, spawn_app, TestApp, TestUser};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

const REFRESH_COOKIE: &str = "__Host-refresh_token";
const SESSIONS_OF_USER: &str = "SELECT count(*)::int AS n FROM sessions WHERE user_id = $1";

async fn login(app: &TestApp, user: &TestUser, delivery: Option<&str>) -> Response {
    let mut request = app
        .request(reqwest::Method::POST, "/auth/login")
        .json(&json!({"username": user.username, "password": user.password}));
    if let Some(value) = delivery {
        request = request.header("X-Token-Delivery", value);
    }
    request.send().await.unwrap()
}

/// `POST /auth/refresh` with the refresh token in its cookie only, as a browser sends it.
async fn refresh_by_cookie(app: &TestApp, refresh_token: &str, delivery: Option<&str>) -> Response {
    let mut request = app
        .request(reqwest::Method::POST, "/auth/refresh")
        .header("cookie", format!("{REFRESH_COOKIE}={refresh_token}"));
    if let Some(value) = delivery {
        request = request.header("X-Token-Delivery", value);
    }
    request.send().await.unwrap()
}

/// The refresh cookie's value and the body, as text and as JSON, of a 200 token response.
async fn cookie_and_body(response: Response) -> (String, String, Value) {
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = find_cookie(&set_cookies(response.headers()), REFRESH_COOKIE)
        .value
        .clone();
    assert!(!cookie.is_empty(), "the refresh cookie carries a token");
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap();
    (cookie, text, body)
}

/// Everything of a `TokenResponse` except the refresh token is still there.
fn assert_cookie_only_body(text: &str, body: &Value, refresh_token: &str) {
    assert!(
        !text.contains(refresh_token),
        "the body must not hold the refresh token: {text}"
    );
    assert!(body.get("refresh_token").is_none(), "{body}");
    for field in [
        "access_token",
        "token_type",
        "expires_in",
        "refresh_expires_in",
        "session_id",
        "user",
    ] {
        assert!(body.get(field).is_some(), "{field} missing from {body}");
    }
}

#[actix_web::test]
async fn login_with_cookie_delivery_keeps_the_refresh_token_out_of_the_body() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    let (cookie, text, body) = cookie_and_body(login(&app, &user, Some("cookie")).await).await;

    assert_cookie_only_body(&text, &body, &cookie);
}

#[actix_web::test]
async fn refresh_with_cookie_delivery_keeps_the_new_refresh_token_out_of_the_body() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let (first, _, _) = cookie_and_body(login(&app, &user, Some("cookie")).await).await;

    let (second, text, body) =
        cookie_and_body(refresh_by_cookie(&app, &first, Some("cookie")).await).await;
    assert_ne!(second, first, "the refresh token rotated");
    assert_cookie_only_body(&text, &body, &second);

    // The rotated cookie is the session's current token: it refreshes again.
    let (third, text, body) =
        cookie_and_body(refresh_by_cookie(&app, &second, Some("cookie")).await).await;
    assert_ne!(third, second);
    assert_cookie_only_body(&text, &body, &third);
}

#[actix_web::test]
async fn without_the_header_the_body_still_holds_the_refresh_token() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    let (cookie, _, body) = cookie_and_body(login(&app, &user, None).await).await;
    assert_eq!(body["refresh_token"], cookie.as_str());

    let (next, _, body) = cookie_and_body(refresh_by_cookie(&app, &cookie, None).await).await;
    assert_eq!(body["refresh_token"], next.as_str());
}

#[actix_web::test]
async fn any_other_value_is_400_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let (refresh_token, _, body) = cookie_and_body(login(&app, &user, None).await).await;
    let session_id = body["session_id"].as_str().unwrap().parse().unwrap();

    for value in ["body", "Cookie", "cookie, cookie", ""] {
        assert_error(
            login(&app, &user, Some(value)).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
        assert_error(
            refresh_by_cookie(&app, &refresh_token, Some(value)).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    let twice = app
        .request(reqwest::Method::POST, "/auth/login")
        .header("X-Token-Delivery", "cookie")
        .header("X-Token-Delivery", "cookie")
        .json(&json!({"username": user.username, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_error(twice, StatusCode::BAD_REQUEST, "invalid_request").await;

    // No refused login opened a session, and no refused refresh rotated the token.
    assert_eq!(app.count(SESSIONS_OF_USER, user.id), 1);
    assert_eq!(app.session(session_id).generation, 0);
}
