//! The cookies as set, cleared and read: attributes, names in insecure mode, cookie-only refresh
//! and the access cookie.

use super::{assert_token_cookie, cookie_request, logged_in};
use crate::helpers::{assert_error, find_cookie, set_cookies, spawn_app, spawn_app_with, Tokens};
use reqwest::{Method, StatusCode};

#[actix_web::test]
async fn login_sets_both_cookies_exactly_as_specified() {
    let app = spawn_app().await;

    let (tokens, cookies) = logged_in(&app).await;

    assert_eq!(cookies.len(), 2, "{cookies:?}");
    let refresh_in = tokens.body["refresh_expires_in"].as_i64().unwrap();
    assert_token_cookie(
        find_cookie(&cookies, "__Host-access_token"),
        &tokens.access,
        "/",
        900,
        true,
    );
    assert_token_cookie(
        find_cookie(&cookies, "__Host-refresh_token"),
        &tokens.refresh,
        "/",
        refresh_in,
        true,
    );
}

#[actix_web::test]
async fn refresh_sets_both_cookies_with_the_new_tokens() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;

    let response = app.refresh(&tokens.refresh).await;

    let cookies = set_cookies(response.headers());
    let next = Tokens::from_body(response.json().await.unwrap());
    let refresh_in = next.body["refresh_expires_in"].as_i64().unwrap();
    assert_token_cookie(
        find_cookie(&cookies, "__Host-access_token"),
        &next.access,
        "/",
        900,
        true,
    );
    assert_token_cookie(
        find_cookie(&cookies, "__Host-refresh_token"),
        &next.refresh,
        "/",
        refresh_in,
        true,
    );
}

#[actix_web::test]
async fn insecure_cookie_mode_drops_secure_and_the_prefixes() {
    let app = spawn_app_with(|vars| {
        vars.insert("COOKIE_SECURE".into(), "false".into());
    })
    .await;

    let (tokens, cookies) = logged_in(&app).await;

    assert_eq!(cookies.len(), 2, "{cookies:?}");
    let refresh_in = tokens.body["refresh_expires_in"].as_i64().unwrap();
    assert_token_cookie(
        find_cookie(&cookies, "access_token"),
        &tokens.access,
        "/",
        900,
        false,
    );
    assert_token_cookie(
        find_cookie(&cookies, "refresh_token"),
        &tokens.refresh,
        "/",
        refresh_in,
        false,
    );
}

#[actix_web::test]
async fn insecure_cookie_mode_reads_only_its_own_cookie_names() {
    let app = spawn_app_with(|vars| {
        vars.insert("COOKIE_SECURE".into(), "false".into());
    })
    .await;
    let (tokens, _) = logged_in(&app).await;

    let own = cookie_request(
        &app,
        Method::POST,
        "/auth/refresh",
        format!("refresh_token={}", tokens.refresh),
    )
    .send()
    .await
    .unwrap();
    let me = cookie_request(
        &app,
        Method::GET,
        "/auth/me",
        format!("access_token={}", tokens.access),
    )
    .send()
    .await
    .unwrap();
    let prefixed = cookie_request(
        &app,
        Method::GET,
        "/auth/me",
        format!("__Host-access_token={}", tokens.access),
    )
    .send()
    .await
    .unwrap();

    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(me.status(), StatusCode::OK);
    assert_error(prefixed, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[actix_web::test]
async fn refresh_with_only_the_refresh_cookie_works() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;

    let response = cookie_request(
        &app,
        Method::POST,
        "/auth/refresh",
        format!("__Host-refresh_token={}", tokens.refresh),
    )
    .send()
    .await
    .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let next = Tokens::from_body(response.json().await.unwrap());
    assert_eq!(next.session_id, tokens.session_id);
    assert_ne!(next.refresh, tokens.refresh);
}

#[actix_web::test]
async fn the_access_cookie_authenticates_like_a_bearer_token() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;

    let response = cookie_request(
        &app,
        Method::GET,
        "/auth/me",
        format!("__Host-access_token={}", tokens.access),
    )
    .send()
    .await
    .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
}
