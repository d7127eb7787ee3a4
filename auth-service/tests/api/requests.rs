use crate::helpers::{assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[actix_web::test]
async fn malformed_json_is_400_invalid_request() {
    let app = spawn_app().await;

    for path in [
        "/auth/register",
        "/auth/login",
        "/auth/refresh",
        "/auth/logout",
    ] {
        for body in ["{", "not json", "[1,2", "{\"username\": }"] {
            let response = app
                .request(Method::POST, path)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();

            assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        }
    }
}

#[actix_web::test]
async fn json_with_wrongly_typed_fields_is_400_invalid_request() {
    let app = spawn_app().await;

    let response = app
        .post_json(
            "/auth/register",
            &json!({"username": 42, "email": [], "full_name": {}, "password": true}),
            None,
        )
        .await;

    assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[actix_web::test]
async fn a_json_body_over_16_kib_is_413() {
    let app = spawn_app().await;
    let padding = "x".repeat(17 * 1024);

    for path in [
        "/auth/register",
        "/auth/login",
        "/auth/refresh",
        "/auth/logout",
    ] {
        let response = app
            .post_json(
                path,
                &json!({"username": "alice", "password": padding}),
                None,
            )
            .await;

        assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    }
}

#[actix_web::test]
async fn a_token_in_the_query_string_is_ignored() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;

    let me = app
        .get(&format!("/auth/me?access_token={}", tokens.access), None)
        .await;
    let refresh = app
        .post_empty(
            &format!("/auth/refresh?refresh_token={}", tokens.refresh),
            None,
        )
        .await;

    assert_eq!(me.headers()["www-authenticate"], "Bearer");
    assert_error(me, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(refresh, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(app.session(tokens.session_id).generation, 0);
}

#[actix_web::test]
async fn errors_are_never_cached() {
    let app = spawn_app().await;

    let response = app
        .login(&json!({"username": "nobody", "password": "whatever123"}))
        .await;

    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}
