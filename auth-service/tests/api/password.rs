use crate::helpers::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

const NEW_PASSWORD: &str = "a brand new passphrase";

#[actix_web::test]
async fn changing_the_password_revokes_the_other_sessions_but_keeps_the_current_one() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let current = app.login_as(&user).await;
    let other = app.login_as(&user).await;

    let response = app
        .post_json(
            "/auth/password",
            &json!({"current_password": user.password, "new_password": NEW_PASSWORD}),
            Some(&current.access),
        )
        .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    // The other session is gone: both its tokens fail.
    assert_eq!(
        app.session(other.session_id).revoked_reason.as_deref(),
        Some("password_changed")
    );
    let other_refresh = app.refresh(&other.refresh).await;
    assert_error(other_refresh, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let other_me = app.get("/auth/me", Some(&other.access)).await;
    assert_error(other_me, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // The current one lives on.
    assert!(app.session(current.session_id).revoked_at.is_none());
    assert_eq!(
        app.get("/auth/me", Some(&current.access)).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.refresh(&current.refresh).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn after_a_change_only_the_new_password_logs_in() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;

    app.post_json(
        "/auth/password",
        &json!({"current_password": user.password, "new_password": NEW_PASSWORD}),
        Some(&tokens.access),
    )
    .await;

    let old = app
        .login(&json!({"username": "alice", "password": user.password}))
        .await;
    assert_error(old, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    app.login_with_password("alice", NEW_PASSWORD).await;
}

#[actix_web::test]
async fn a_wrong_current_password_is_403_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let current = app.login_as(&user).await;
    let other = app.login_as(&user).await;

    let response = app
        .post_json(
            "/auth/password",
            &json!({"current_password": "not my password", "new_password": NEW_PASSWORD}),
            Some(&current.access),
        )
        .await;

    assert_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(app.session(other.session_id).revoked_at.is_none());
    app.login_as(&user).await;
}

#[actix_web::test]
async fn a_bad_or_missing_field_is_400_naming_it() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let cases = [
        (
            json!({"current_password": user.password, "new_password": "short"}),
            "new_password",
        ),
        (
            json!({"current_password": user.password, "new_password": "p".repeat(129)}),
            "new_password",
        ),
        (json!({"current_password": user.password}), "new_password"),
        (json!({"new_password": NEW_PASSWORD}), "current_password"),
    ];

    for (body, field) in cases {
        let response = app
            .post_json("/auth/password", &body, Some(&tokens.access))
            .await;

        let error = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert!(error["fields"].get(field).is_some(), "{body}: {error}");
    }
    app.login_as(&user).await;
}

#[actix_web::test]
async fn changing_the_password_needs_an_access_token() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    let response = app
        .post_json(
            "/auth/password",
            &json!({"current_password": user.password, "new_password": NEW_PASSWORD}),
            None,
        )
        .await;

    assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    app.login_as(&user).await;
}
