use crate::helpers::{assert_error, spawn_app, spawn_app_with, TestApp, Tokens};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

async fn logged_in(app: &TestApp) -> Tokens {
    let user = app.register_user("alice").await;
    app.login_as(&user).await
}

#[actix_web::test]
async fn refresh_returns_a_new_refresh_token_and_a_working_access_token() {
    let app = spawn_app().await;
    let first = logged_in(&app).await;

    let response = app.refresh(&first.refresh).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let second = Tokens::from_body(response.json().await.unwrap());
    assert_ne!(second.refresh, first.refresh);
    assert_ne!(second.access, first.access);
    assert_eq!(second.session_id, first.session_id);
    assert_eq!(second.body["token_type"], "Bearer");
    assert_eq!(second.body["user"]["username"], "alice");
    let me = app.get("/auth/me", Some(&second.access)).await;
    assert_eq!(me.status(), StatusCode::OK);
    let session = app.session(first.session_id);
    assert_eq!(session.generation, 1);
    assert_eq!(session.token_rows, 2);
}

#[actix_web::test]
async fn the_successor_can_itself_be_refreshed() {
    let app = spawn_app().await;
    let first = logged_in(&app).await;

    let second = app.refreshed(&first.refresh).await;
    let third = app.refreshed(&second.refresh).await;

    assert_ne!(third.refresh, second.refresh);
    assert_eq!(app.session(first.session_id).generation, 2);
}

#[actix_web::test]
async fn within_the_grace_period_the_old_token_returns_the_same_successor_byte_for_byte() {
    let app = spawn_app().await;
    let first = logged_in(&app).await;
    let second = app.refreshed(&first.refresh).await;

    let again = app.refreshed(&first.refresh).await;

    assert_eq!(
        again.refresh, second.refresh,
        "the same successor, byte for byte"
    );
    assert_eq!(again.session_id, second.session_id);
    let me = app.get("/auth/me", Some(&again.access)).await;
    assert_eq!(
        me.status(),
        StatusCode::OK,
        "a fresh access token comes with it"
    );
    let session = app.session(first.session_id);
    assert_eq!(session.generation, 1, "the family did not fork");
    assert_eq!(session.token_rows, 2);
    assert!(session.revoked_at.is_none());
    // The successor is still the live current token.
    let third = app.refreshed(&second.refresh).await;
    assert_ne!(third.refresh, second.refresh);
}

#[actix_web::test]
async fn with_grace_zero_reusing_the_old_token_revokes_the_session() {
    let app = spawn_app_with(|vars| {
        vars.insert("REFRESH_REUSE_GRACE".into(), "0".into());
    })
    .await;
    let first = logged_in(&app).await;
    let second = app.refreshed(&first.refresh).await;

    let reuse = app.refresh(&first.refresh).await;

    assert_error(reuse, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    let session = app.session(first.session_id);
    assert!(session.revoked_at.is_some(), "the revocation is committed");
    assert_eq!(
        session.revoked_reason.as_deref(),
        Some("refresh_token_reused")
    );
    let newest = app.refresh(&second.refresh).await;
    assert_error(newest, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let me = app.get("/auth/me", Some(&second.access)).await;
    assert_error(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn reuse_after_the_grace_period_revokes_the_session_and_kills_the_newest_token() {
    let app = spawn_app_with(|vars| {
        vars.insert("REFRESH_REUSE_GRACE".into(), "1s".into());
    })
    .await;
    let first = logged_in(&app).await;
    let second = app.refreshed(&first.refresh).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let reuse = app.refresh(&first.refresh).await;

    let body = assert_error(reuse, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    assert!(body.get("refresh_token").is_none());
    assert!(app.session(first.session_id).revoked_at.is_some());
    let newest = app.refresh(&second.refresh).await;
    assert_error(newest, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn reusing_a_token_two_generations_old_revokes_the_session() {
    let app = spawn_app().await;
    let first = logged_in(&app).await;
    let second = app.refreshed(&first.refresh).await;
    let third = app.refreshed(&second.refresh).await;

    let reuse = app.refresh(&first.refresh).await;

    assert_error(reuse, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    let session = app.session(first.session_id);
    assert!(session.revoked_at.is_some(), "the revocation is committed");
    let newest = app.refresh(&third.refresh).await;
    assert_error(newest, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let me = app.get("/auth/me", Some(&third.access)).await;
    assert_error(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn reuse_leaves_the_users_other_sessions_alone() {
    let app = spawn_app_with(|vars| {
        vars.insert("REFRESH_REUSE_GRACE".into(), "0".into());
    })
    .await;
    let user = app.register_user("alice").await;
    let stolen = app.login_as(&user).await;
    let other = app.login_as(&user).await;
    app.refreshed(&stolen.refresh).await;

    let reuse = app.refresh(&stolen.refresh).await;

    assert_eq!(reuse.status(), StatusCode::UNAUTHORIZED);
    assert!(app.session(other.session_id).revoked_at.is_none());
    assert_eq!(app.refresh(&other.refresh).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn bad_refresh_tokens_are_401_invalid_token() {
    let app = spawn_app().await;
    let tokens = logged_in(&app).await;
    // Flip one character in the middle of the signature.
    let mut tampered: Vec<char> = tokens.refresh.chars().collect();
    let at = tampered.len() - 10;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let cases = [
        ("not a jwt".to_owned(), "garbage"),
        (tampered, "bad signature"),
        (tokens.access.clone(), "an access token"),
    ];

    for (token, why) in cases {
        let response = app.refresh(&token).await;
        // The same challenge as a refused access token (RFC 6750).
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer error=\"invalid_token\"",
            "{why}"
        );
        let body = assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
        assert!(body.get("access_token").is_none(), "{why}");
    }
}

#[actix_web::test]
async fn refresh_without_a_token_is_401_unauthorized() {
    let app = spawn_app().await;

    for body in [json!({}), json!({"refresh_token": ""})] {
        let response = app.post_json("/auth/refresh", &body, None).await;

        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    let empty = app.post_empty("/auth/refresh", None).await;
    assert_error(empty, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[actix_web::test]
async fn a_refused_refresh_token_is_named_as_the_refresh_token() {
    let app = spawn_app().await;
    let body = assert_error(
        app.refresh("not-a-token").await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("refresh token"), "{message}");
    assert!(!message.contains("access token"), "{message}");
}

#[actix_web::test]
async fn a_refresh_token_of_the_wrong_type_names_the_field_and_what_it_should_be() {
    let app = spawn_app().await;
    for body in [json!({"refresh_token": {}}), json!({"refresh_token": 5})] {
        let response = app.post_json("/auth/refresh", &body, None).await;
        let error = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert_eq!(
            error["fields"]["refresh_token"], "must be a string",
            "{error}"
        );
        assert!(
            !error["message"]
                .as_str()
                .unwrap()
                .contains("not valid JSON"),
            "{error}"
        );
    }
    let response = app
        .post_json(
            "/auth/login",
            &json!({"username": ["alice"], "password": "x"}),
            None,
        )
        .await;
    let error = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(error["fields"]["username"], "must be a string", "{error}");
}
