//! Token tricks: the refresh cookie sent twice, NUL bytes in text, and the grace reissue across
//! a refresh-key rotation.

use super::spellings::host;
use crate::helpers::{spawn_app_with, TestApp};
use serde_json::json;
use test_support::raw_http;

#[actix_web::test]
async fn the_refresh_cookie_sent_twice_is_refused_with_400() {
    let app = spawn_app_with(|vars| {
        vars.insert("COOKIE_SECURE".into(), "false".into());
    })
    .await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let planted = "refresh_token=planted-by-a-sibling-subdomain";
    let mine = format!("refresh_token={}", tokens.refresh);
    for cookies in [
        vec![format!("{planted}; {mine}")],
        vec![mine.clone(), planted.to_owned()],
    ] {
        let headers: Vec<(&str, &str)> = cookies
            .iter()
            .map(|c| ("Cookie", c.as_str()))
            .chain([("Origin", crate::helpers::ALLOWED_ORIGIN)])
            .collect();
        let answer = raw_http::send(&host(&app), "POST", "/auth/refresh", &headers, b"");
        assert_eq!(answer.status, 400, "{cookies:?}");
        assert_eq!(answer.json()["error"], "invalid_request");
    }
    // The session was not touched: the token still rotates.
    assert_eq!(app.refresh(&tokens.refresh).await.status().as_u16(), 200);
}

#[actix_web::test]
async fn nul_bytes_in_text_fields_are_400_or_401_never_500() {
    let app = spawn_app_with(|_| {}).await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let bad = "ali\u{0}ce";
    for (path, body) in [
        (
            "/auth/register",
            json!({"username": bad, "email": "a@example.com", "full_name": "A", "password": "long-enough-pass"}),
        ),
        (
            "/auth/register",
            json!({"username": "bobby", "email": "a\u{0}@example.com", "full_name": "A", "password": "long-enough-pass"}),
        ),
        (
            "/auth/register",
            json!({"username": "bobby", "email": "a@example.com", "full_name": "A\u{0}", "password": "long-enough-pass"}),
        ),
        (
            "/auth/register",
            json!({"username": "bobby", "email": "a@example.com", "full_name": "A", "password": "long-enough\u{0}pass"}),
        ),
    ] {
        let response = app.post_json(path, &body, None).await;
        crate::helpers::assert_error(
            response,
            reqwest::StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    for body in [
        json!({"username": bad, "password": "x"}),
        json!({"email": "a\u{0}@example.com", "password": "x"}),
        json!({"username": "alice", "password": "pass\u{0}word"}),
    ] {
        let response = app.login(&body).await;
        crate::helpers::assert_error(
            response,
            reqwest::StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    for body in [
        json!({"username": bad}),
        json!({"email": "x\u{0}@example.com"}),
        json!({"full_name": "A\u{0}"}),
    ] {
        let response = app
            .send_json(
                reqwest::Method::PATCH,
                "/auth/me",
                &body,
                Some(&tokens.access),
            )
            .await;
        crate::helpers::assert_error(
            response,
            reqwest::StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    let response = app
        .post_json("/auth/refresh", &json!({"refresh_token": "a\u{0}b"}), None)
        .await;
    assert_eq!(response.status().as_u16(), 401);
}

/// A second instance on the same database whose refresh secret has rotated (the old one is kept
/// as a previous secret); returns its address.
async fn with_rotated_refresh_secret(app: &TestApp) -> String {
    app.spawn_instance_with(|vars| {
        vars.insert(
            "REFRESH_TOKEN_SECRET".into(),
            "a-brand-new-refresh-secret-0123456789abcdef".into(),
        );
        vars.insert(
            "REFRESH_TOKEN_PREVIOUS_SECRETS".into(),
            crate::helpers::REFRESH_SECRET.into(),
        );
    })
    .await
}

#[actix_web::test]
async fn the_grace_reissue_survives_a_refresh_key_rotation() {
    let app = spawn_app_with(|_| {}).await;
    let user = app.register_user("alice").await;
    let first = app.login_as(&user).await;
    let second = app.refreshed(&first.refresh).await;
    let rotated = with_rotated_refresh_secret(&app).await;
    // A second tab presents the predecessor within the grace period: it gets the same successor
    // back, and nobody is logged out.
    let again = crate::helpers::refresh_at(&app.client, &rotated, &first.refresh).await;
    assert_eq!(again.status().as_u16(), 200);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["refresh_token"], second.refresh.as_str());
    assert!(app.session(first.session_id).revoked_at.is_none());
}

#[actix_web::test]
async fn a_grace_successor_that_cannot_be_rebuilt_is_refused_without_revoking() {
    let app = spawn_app_with(|_| {}).await;
    let user = app.register_user("alice").await;
    let first = app.login_as(&user).await;
    let second = app.refreshed(&first.refresh).await;
    // A row from before the key was remembered, then a rotation: the successor cannot be
    // signed again byte for byte.
    {
        use diesel::RunQueryDsl;
        diesel::sql_query("UPDATE refresh_tokens SET kid = NULL")
            .execute(&mut app.db.connect())
            .unwrap();
    }
    let rotated = with_rotated_refresh_secret(&app).await;
    let again = crate::helpers::refresh_at(&app.client, &rotated, &first.refresh).await;
    crate::helpers::assert_error(again, reqwest::StatusCode::UNAUTHORIZED, "invalid_token").await;
    assert!(
        app.session(first.session_id).revoked_at.is_none(),
        "an honest second tab is not a thief"
    );
    // The tab that holds the successor carries on.
    let next = crate::helpers::refresh_at(&app.client, &rotated, &second.refresh).await;
    assert_eq!(next.status().as_u16(), 200);
}
