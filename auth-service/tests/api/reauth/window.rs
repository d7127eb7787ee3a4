//! Which requests need a recent login (docs/TOKENS.md, Recent login): the three sensitive actions
//! answer 403 `reauth_required` to a login older than the window, or to a token without
//! `auth_time`, before the password is checked and with nothing changed; a fresh login passes, a
//! profile change that keeps the email needs none, and `REAUTH_WINDOW` sets the window.

use super::{attempt, auth_time_of, rechecks_counted, sensitive_actions, with_auth_time, STALE};
use crate::helpers::{assert_error, spawn_app, spawn_app_with, TestApp, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared_tokens::now_unix;

/// Nothing changed: the password, the email and the account are as they were.
async fn assert_untouched(app: &TestApp, user: &TestUser) {
    let tokens = app.login_as(user).await;
    let me: Value = app
        .get("/auth/me", Some(&tokens.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], user.email.as_str(), "{me}");
    assert!(me["pending_email"].is_null(), "{me}");
}

#[actix_web::test]
async fn a_login_older_than_the_window_is_refused_reauth_required_on_each_sensitive_action() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let stale = with_auth_time(&tokens.access, Some(now_unix() - STALE));

    for action in sensitive_actions(&user, true) {
        let response = attempt(&app, &action, &stale).await;
        let body = assert_error(response, StatusCode::FORBIDDEN, "reauth_required").await;
        assert!(body["message"].as_str().unwrap().contains("reauthenticate"));
    }
    assert_untouched(&app, &user).await;
}

#[actix_web::test]
async fn a_token_without_auth_time_is_refused_reauth_required_on_each_sensitive_action() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let old_issuer = with_auth_time(&tokens.access, None);
    // It is still a good token for everything else.
    assert_eq!(
        app.get("/auth/me", Some(&old_issuer)).await.status(),
        StatusCode::OK
    );

    for action in sensitive_actions(&user, true) {
        let response = attempt(&app, &action, &old_issuer).await;
        assert_error(response, StatusCode::FORBIDDEN, "reauth_required").await;
    }
    assert_untouched(&app, &user).await;
}

#[actix_web::test]
async fn the_refusal_comes_before_the_password_is_checked() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let stale = with_auth_time(&tokens.access, Some(now_unix() - STALE));

    for action in sensitive_actions(&user, false) {
        let response = attempt(&app, &action, &stale).await;
        assert_error(response, StatusCode::FORBIDDEN, "reauth_required").await;
    }
    assert_eq!(
        rechecks_counted(&app, user.id),
        0,
        "no password was re-checked, so the throttle counted none"
    );
    // The same wrong password with a recent login is checked, and counted.
    let fresh = sensitive_actions(&user, false);
    let response = attempt(&app, &fresh[2], &tokens.access).await;
    assert_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(rechecks_counted(&app, user.id), 1);
}

#[actix_web::test]
async fn a_fresh_login_changes_the_email_and_the_password_and_deletes_the_account() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    assert!((now_unix() - auth_time_of(&tokens.access)).abs() <= 5);

    let [email, password, _] = <[_; 3]>::try_from(sensitive_actions(&user, true)).unwrap();
    for action in [email, password] {
        let status = attempt(&app, &action, &tokens.access).await.status();
        assert!(status.is_success(), "{} {}: {status}", action.0, action.1);
    }
    let delete = json!({"password": "a brand new passphrase"});
    let response = app
        .send_json(Method::DELETE, "/auth/me", &delete, Some(&tokens.access))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_profile_change_that_keeps_the_email_needs_no_recent_login() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let stale = with_auth_time(&tokens.access, Some(now_unix() - STALE));

    for body in [
        json!({"username": "alice2"}),
        json!({"full_name": "Alice Renamed"}),
        json!({"email": user.email, "full_name": "Alice Again"}),
    ] {
        let response = app
            .send_json(Method::PATCH, "/auth/me", &body, Some(&stale))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{body}");
    }
}

#[actix_web::test]
async fn the_window_is_configurable() {
    let app = spawn_app_with(|vars| {
        vars.insert("REAUTH_WINDOW".into(), "1h".into());
    })
    .await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let eleven_minutes = with_auth_time(&tokens.access, Some(now_unix() - STALE));
    let change = sensitive_actions(&user, true).remove(1);
    assert_eq!(
        attempt(&app, &change, &eleven_minutes).await.status(),
        StatusCode::NO_CONTENT
    );
}
