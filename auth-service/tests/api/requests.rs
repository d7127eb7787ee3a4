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

/// The documents say "object" for every JSON body. serde alone would also fill a body struct from
/// a JSON array (`["bob", "bob@example.com", ...]` was a registration), so an array is refused
/// like any other malformed body.
#[actix_web::test]
async fn a_json_array_is_not_a_body() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let cases = [
        (
            Method::POST,
            "/auth/register",
            json!(["bob", "bob@example.com", "Bob", "correct horse battery"]),
        ),
        (
            Method::POST,
            "/auth/login",
            json!([user.username, null, user.password]),
        ),
        (Method::PATCH, "/auth/me", json!([null, null, null])),
        (
            Method::POST,
            "/auth/password",
            json!([user.password, "a new password"]),
        ),
        (Method::DELETE, "/auth/me", json!([user.password])),
        (Method::POST, "/auth/refresh", json!([tokens.refresh])),
        (Method::POST, "/auth/logout", json!([null])),
    ];
    for (method, path, body) in cases {
        let response = app
            .send_json(method.clone(), path, &body, Some(&tokens.access))
            .await;
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
    // Nothing of the above took effect.
    assert_eq!(
        app.get("/auth/me", Some(&tokens.access)).await.status(),
        StatusCode::OK
    );
    app.login_as(&user).await;
}

/// The body of refresh and logout is optional: nothing, or `null`, leaves the cookie (or, for
/// logout, the access token) to name the session. Anything else must be a JSON object; whitespace
/// alone is not JSON.
#[actix_web::test]
async fn refresh_and_logout_take_no_body_or_null_and_else_an_object() {
    let app = spawn_app().await;
    let user = app.register_user("carol").await;

    for body in ["", "null"] {
        let tokens = app.login_as(&user).await;
        let response = app
            .request(Method::POST, "/auth/logout")
            .bearer_auth(&tokens.access)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{body:?}");
        assert_eq!(
            app.get("/auth/me", Some(&tokens.access)).await.status(),
            StatusCode::UNAUTHORIZED,
            "{body:?}: the session should be over"
        );

        let response = app
            .request(Method::POST, "/auth/refresh")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }

    let tokens = app.login_as(&user).await;
    for body in ["\n", "  ", "[]", "5", "\"token\""] {
        for path in ["/auth/logout", "/auth/refresh"] {
            let response = app
                .request(Method::POST, path)
                .bearer_auth(&tokens.access)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        }
    }
    assert_eq!(
        app.get("/auth/me", Some(&tokens.access)).await.status(),
        StatusCode::OK
    );
}

/// The JSON operations answer a body sent as something else with 415, as resource-service does
/// (docs/API.md, Error body); refresh and logout read their optional body whatever its type.
#[actix_web::test]
async fn a_body_not_sent_as_json_is_415_on_every_json_operation() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let body = r#"{"username":"bob","password":"correct horse battery"}"#;
    for (method, path) in [
        (Method::POST, "/auth/register"),
        (Method::POST, "/auth/login"),
        (Method::PATCH, "/auth/me"),
        (Method::POST, "/auth/password"),
        (Method::DELETE, "/auth/me"),
    ] {
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let mut request = app
                .request(method.clone(), path)
                .bearer_auth(&tokens.access)
                .body(body);
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let response = request.send().await.unwrap();
            let body = assert_error(
                response,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            )
            .await;
            assert!(!body.to_string().contains("correct horse"), "{body}");
        }
    }
    assert_eq!(
        app.get("/auth/me", Some(&tokens.access)).await.status(),
        StatusCode::OK,
        "nothing above took effect"
    );
}
