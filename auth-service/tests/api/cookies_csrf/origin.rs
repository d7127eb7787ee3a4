//! The origin check on cookie requests, two tokens in one request, and CORS.

use super::{cookie_request, logged_in};
use crate::helpers::{assert_error, spawn_app, Tokens, ALLOWED_ORIGIN, FOREIGN_ORIGIN};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[actix_web::test]
async fn a_cookie_refresh_from_a_foreign_browser_context_is_403_csrf_rejected() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;
    let cases = [
        ("origin", FOREIGN_ORIGIN),
        ("origin", "null"),
        ("referer", "https://evil.example/page"),
        ("sec-fetch-site", "cross-site"),
    ];

    for (header, value) in cases {
        let response = cookie_request(
            &app,
            Method::POST,
            "/auth/refresh",
            format!("__Host-refresh_token={}", tokens.refresh),
        )
        .header(header, value)
        .send()
        .await
        .unwrap();

        assert_error(response, StatusCode::FORBIDDEN, "csrf_rejected").await;
    }
    // None of them consumed the token.
    assert_eq!(app.session(tokens.session_id).generation, 0);
    assert_eq!(app.refresh(&tokens.refresh).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_cookie_refresh_from_an_allowed_or_the_own_origin_passes() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;
    let own = format!("http://127.0.0.1:{}", app.port);
    let mut refresh = tokens.refresh;

    for (header, value) in [
        ("origin", ALLOWED_ORIGIN),
        ("origin", own.as_str()),
        ("referer", "https://app.example.com/some/page"),
        ("sec-fetch-site", "same-origin"),
    ] {
        let response = cookie_request(
            &app,
            Method::POST,
            "/auth/refresh",
            format!("__Host-refresh_token={refresh}"),
        )
        .header(header, value)
        .send()
        .await
        .unwrap();

        assert_eq!(response.status(), StatusCode::OK, "{header}: {value}");
        refresh = Tokens::from_body(response.json().await.unwrap()).refresh;
    }
}

#[actix_web::test]
async fn cookie_authenticated_changes_from_a_foreign_origin_are_refused() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;
    let access_cookie = format!("__Host-access_token={}", tokens.access);

    let patch = cookie_request(&app, Method::PATCH, "/auth/me", access_cookie.clone())
        .header("origin", FOREIGN_ORIGIN)
        .json(&json!({"full_name": "Mallory"}))
        .send()
        .await
        .unwrap();
    let logout_all = cookie_request(&app, Method::POST, "/auth/logout-all", access_cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    let logout = cookie_request(
        &app,
        Method::POST,
        "/auth/logout",
        format!("__Host-refresh_token={}", tokens.refresh),
    )
    .header("origin", FOREIGN_ORIGIN)
    .send()
    .await
    .unwrap();

    assert_error(patch, StatusCode::FORBIDDEN, "csrf_rejected").await;
    assert_error(logout_all, StatusCode::FORBIDDEN, "csrf_rejected").await;
    assert_error(logout, StatusCode::FORBIDDEN, "csrf_rejected").await;
    assert!(app.session(tokens.session_id).revoked_at.is_none());
    let me: serde_json::Value = app
        .get("/auth/me", Some(&tokens.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["full_name"], "alice Example");
}

#[actix_web::test]
async fn bearer_and_body_token_requests_are_not_subject_to_the_origin_check() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;

    let patch = app
        .request(Method::PATCH, "/auth/me")
        .bearer_auth(&tokens.access)
        .header("origin", FOREIGN_ORIGIN)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"full_name": "From Anywhere"}))
        .send()
        .await
        .unwrap();
    let refresh = app
        .request(Method::POST, "/auth/refresh")
        .header("origin", FOREIGN_ORIGIN)
        .json(&json!({"refresh_token": tokens.refresh}))
        .send()
        .await
        .unwrap();

    assert_eq!(patch.status(), StatusCode::OK);
    assert_eq!(refresh.status(), StatusCode::OK);
}

#[actix_web::test]
async fn two_different_refresh_tokens_in_one_request_are_400() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let one = app.login_as(&user).await;
    let two = app.login_as(&user).await;

    let response = cookie_request(
        &app,
        Method::POST,
        "/auth/refresh",
        format!("__Host-refresh_token={}", one.refresh),
    )
    .json(&json!({"refresh_token": two.refresh}))
    .send()
    .await
    .unwrap();

    assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(app.session(one.session_id).generation, 0);
    assert_eq!(app.session(two.session_id).generation, 0);
    // The same token in both places is fine.
    let same = cookie_request(
        &app,
        Method::POST,
        "/auth/refresh",
        format!("__Host-refresh_token={}", one.refresh),
    )
    .json(&json!({"refresh_token": one.refresh}))
    .send()
    .await
    .unwrap();
    assert_eq!(same.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_bearer_token_and_a_different_access_cookie_are_400() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let one = app.login_as(&user).await;
    let two = app.login_as(&user).await;

    let response = cookie_request(
        &app,
        Method::GET,
        "/auth/me",
        format!("__Host-access_token={}", one.access),
    )
    .bearer_auth(&two.access)
    .send()
    .await
    .unwrap();

    assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[actix_web::test]
async fn allowed_origins_get_credentialed_cors_and_others_do_not() {
    let app = spawn_app().await;

    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/auth/me")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight(ALLOWED_ORIGIN).await.unwrap();
    let foreign = preflight(FOREIGN_ORIGIN).await.unwrap();

    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        ALLOWED_ORIGIN
    );
    assert_eq!(
        allowed.headers()["access-control-allow-credentials"],
        "true"
    );
    let allowed_headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
    assert!(foreign
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}
