//! Recent login (docs/TOKENS.md, Recent login): `DELETE /profile` erases everything only for a
//! token whose `auth_time` is within `REAUTH_WINDOW`, checked statelessly like the rest of the
//! token.

use crate::helpers::{assert_error, spawn_app, spawn_app_with, TestApp, TestUser};
use reqwest::{Method, Response, StatusCode};
use shared_tokens::now_unix;

/// Eleven minutes: older than the default window of ten.
const STALE: i64 = 11 * 60;

/// A token for `user` whose login was at `auth_time` (none when `None`).
fn token_with(app: &TestApp, user: &TestUser, auth_time: Option<i64>) -> String {
    let mut claims = app.claims(user);
    claims.auth_time = auth_time;
    app.sign(&claims)
}

async fn erase(app: &TestApp, token: &str) -> Response {
    app.request(Method::DELETE, "/profile", token)
        .send()
        .await
        .unwrap()
}

async fn photo_count(app: &TestApp, token: &str) -> i64 {
    app.get_json("/profile", token).await["photo_count"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn erasing_the_profile_with_a_login_older_than_the_window_is_refused_reauth_required() {
    let app = spawn_app().await;
    let user = TestUser::new("alice");
    let stale = token_with(&app, &user, Some(now_unix() - STALE));
    app.upload_png(&stale).await;

    let response = erase(&app, &stale).await;
    let body = assert_error(response, StatusCode::FORBIDDEN, "reauth_required").await;
    assert!(body["message"].as_str().unwrap().contains("reauthenticate"));
    assert_eq!(photo_count(&app, &stale).await, 1, "nothing was erased");
}

#[actix_web::test]
async fn erasing_the_profile_with_a_token_without_auth_time_is_refused_reauth_required() {
    let app = spawn_app().await;
    let user = TestUser::new("alice");
    let old_issuer = token_with(&app, &user, None);
    app.upload_png(&old_issuer).await;

    let response = erase(&app, &old_issuer).await;
    assert_error(response, StatusCode::FORBIDDEN, "reauth_required").await;
    assert_eq!(
        photo_count(&app, &old_issuer).await,
        1,
        "nothing was erased"
    );
}

#[actix_web::test]
async fn erasing_the_profile_after_a_recent_login_passes() {
    let app = spawn_app().await;
    let user = TestUser::new("alice");
    let stale = token_with(&app, &user, Some(now_unix() - STALE));
    app.upload_png(&stale).await;
    // What POST /auth/reauthenticate hands back: the same session, a login of now.
    let renewed = token_with(&app, &user, Some(now_unix()));

    assert_eq!(erase(&app, &renewed).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(photo_count(&app, &renewed).await, 0);
}

#[actix_web::test]
async fn the_window_is_configurable() {
    let app = spawn_app_with(&[("REAUTH_WINDOW", "1h")]).await;
    let user = TestUser::new("alice");
    let eleven_minutes = token_with(&app, &user, Some(now_unix() - STALE));
    assert_eq!(
        erase(&app, &eleven_minutes).await.status(),
        StatusCode::NO_CONTENT
    );
}
