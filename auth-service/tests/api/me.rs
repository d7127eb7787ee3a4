use crate::helpers::{assert_error, spawn_app, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn patch(app: &TestApp, body: &Value, access: &str) -> reqwest::Response {
    app.send_json(Method::PATCH, "/auth/me", body, Some(access))
        .await
}

async fn delete_me(app: &TestApp, body: &Value, access: &str) -> reqwest::Response {
    app.send_json(Method::DELETE, "/auth/me", body, Some(access))
        .await
}

#[actix_web::test]
async fn me_returns_the_caller_without_any_hash() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;

    let response = app.get("/auth/me", Some(&tokens.access)).await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], user.id.to_string());
    assert_eq!(body["username"], "alice");
    assert_eq!(body["email"], "alice@example.com");
    assert_eq!(body["full_name"], "alice Example");
    assert_eq!(body["roles"], json!(["user"]));
    assert!(body["created_at"].is_string());
    assert!(body.get("password_hash").is_none());
}

#[actix_web::test]
async fn me_without_credentials_is_a_bare_bearer_challenge() {
    let app = spawn_app().await;

    let response = app.get("/auth/me", None).await;

    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[actix_web::test]
async fn me_with_a_bad_token_is_401_invalid_token() {
    let app = spawn_app().await;
    let cases = ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30."];

    for token in cases {
        let response = app
            .request(Method::GET, "/auth/me")
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();

        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer error=\"invalid_token\"",
            "{token:?}"
        );
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
}

#[actix_web::test]
async fn patch_me_changes_the_given_fields_normalised() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;

    let response = patch(
        &app,
        &json!({"username": " Alice2 ", "email": "NEW@Example.com", "full_name": " Alice L. ",
                "current_password": user.password}),
        &tokens.access,
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], user.id.to_string());
    assert_eq!(body["username"], "alice2");
    // A new email waits for its verification link (docs/RECOVERY.md, Changing the address).
    assert_eq!(body["email"], "alice@example.com");
    assert_eq!(body["pending_email"], "new@example.com");
    assert_eq!(body["full_name"], "Alice L.");
    assert_eq!(body["roles"], json!(["user"]));
    let me: Value = app
        .get("/auth/me", Some(&tokens.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "alice2");
    // The new name logs in; the old one no longer does.
    app.login_with_password("alice2", &user.password).await;
    let old = app
        .login(&json!({"username": "alice", "password": user.password}))
        .await;
    assert_error(old, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    // The next token carries the new values.
    let refreshed = app.refreshed(&tokens.refresh).await;
    let (_, claims) = crate::helpers::decode_jwt(&refreshed.access);
    assert_eq!(claims["username"], "alice2");
    assert_eq!(claims["email"], "alice@example.com");
}

#[actix_web::test]
async fn patch_me_with_one_field_leaves_the_others() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;

    let response = patch(&app, &json!({"full_name": "Only The Name"}), &tokens.access).await;
    let empty = patch(&app, &json!({}), &tokens.access).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(empty.status(), StatusCode::OK);
    let body: Value = empty.json().await.unwrap();
    assert_eq!(body["username"], "alice");
    assert_eq!(body["email"], "alice@example.com");
    assert_eq!(body["full_name"], "Only The Name");
}

#[actix_web::test]
async fn patch_me_with_a_bad_field_is_400_naming_it() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let cases = [
        (json!({"username": "ab"}), "username"),
        (json!({"username": "no spaces"}), "username"),
        (json!({"email": "nope"}), "email"),
        (json!({"email": "a@b@c"}), "email"),
        (json!({"full_name": ""}), "full_name"),
        (json!({"full_name": "x".repeat(101)}), "full_name"),
    ];

    for (body, field) in cases {
        let response = patch(&app, &body, &tokens.access).await;

        let error = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert!(error["fields"].get(field).is_some(), "{body}: {error}");
    }
    let me: Value = app
        .get("/auth/me", Some(&tokens.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "alice", "nothing changed");
}

#[actix_web::test]
async fn patch_me_to_a_taken_username_or_email_is_409() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    app.register_user("bob").await;
    let tokens = app.login_as(&user).await;
    let cases = [
        (json!({"username": "bob"}), "username"),
        (json!({"username": " BOB "}), "username"),
        (
            json!({"email": "bob@example.com", "current_password": user.password}),
            "email",
        ),
        (
            json!({"email": "Bob@Example.com", "current_password": user.password}),
            "email",
        ),
    ];

    for (body, field) in cases {
        let response = patch(&app, &body, &tokens.access).await;

        let error = assert_error(response, StatusCode::CONFLICT, "conflict").await;
        assert!(error["fields"].get(field).is_some(), "{body}: {error}");
    }
}

#[actix_web::test]
async fn patch_me_needs_an_access_token() {
    let app = spawn_app().await;

    let response = app
        .send_json(Method::PATCH, "/auth/me", &json!({"full_name": "X"}), None)
        .await;

    assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[actix_web::test]
async fn deleting_me_with_a_wrong_or_missing_password_is_403_and_keeps_the_account() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;

    for body in [json!({"password": "wrong password"}), json!({})] {
        let response = delete_me(&app, &body, &tokens.access).await;

        assert_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(
        app.get("/auth/me", Some(&tokens.access)).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn deleting_me_removes_the_user_its_sessions_and_tokens() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let one = app.login_as(&user).await;
    let two = app.login_as(&user).await;

    let response = delete_me(&app, &json!({"password": user.password}), &one.access).await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for tokens in [&one, &two] {
        let me = app.get("/auth/me", Some(&tokens.access)).await;
        assert_error(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
        let refresh = app.refresh(&tokens.refresh).await;
        assert_error(refresh, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    let login = app
        .login(&json!({"username": "alice", "password": user.password}))
        .await;
    assert_error(login, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let id = user.id;
    assert_eq!(
        app.count("SELECT count(*)::int AS n FROM users WHERE id = $1", id),
        0
    );
    assert_eq!(
        app.count(
            "SELECT count(*)::int AS n FROM sessions WHERE user_id = $1",
            id
        ),
        0
    );
    assert_eq!(
        app.count(
            "SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id IN ($1)",
            one.session_id
        ),
        0
    );
}

#[actix_web::test]
async fn after_deleting_me_the_username_and_email_can_be_registered_again() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    delete_me(&app, &json!({"password": user.password}), &tokens.access).await;

    let again = app.register_user("alice").await;

    assert_ne!(again.id, user.id);
    app.login_as(&again).await;
}
