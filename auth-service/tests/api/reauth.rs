//! Recent login (docs/TOKENS.md, Recent login): deleting the account and changing the password or
//! the email need an access token whose `auth_time` is within `REAUTH_WINDOW`; `POST
//! /auth/reauthenticate` makes the session's login recent again.

use crate::helpers::{
    assert_error, decode_jwt, find_cookie, set_cookies, spawn_app, spawn_app_with, TestApp,
    TestUser, Tokens, ALLOWED_ORIGIN,
};
use diesel::sql_types::{BigInt, Uuid as SqlUuid};
use diesel::RunQueryDsl;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use shared_tokens::{now_unix, ACCESS_TYP};
use test_support::access_keys::Key;
use uuid::Uuid;

/// Eleven minutes: older than the default window of ten.
const STALE: i64 = 11 * 60;

/// `token` signed again with `auth_time` set to `auth_time`, or without the claim when `None`;
/// every other claim (the live session among them) as it was.
fn with_auth_time(token: &str, auth_time: Option<i64>) -> String {
    let (_, mut claims) = decode_jwt(token);
    let object = claims.as_object_mut().unwrap();
    match auth_time {
        Some(at) => object.insert("auth_time".into(), json!(at)),
        None => object.remove("auth_time"),
    };
    Key::Current.signer().sign(ACCESS_TYP, &claims).unwrap()
}

fn auth_time_of(token: &str) -> i64 {
    decode_jwt(token).1["auth_time"]
        .as_i64()
        .expect("an auth_time claim")
}

/// The three sensitive actions of auth-service, each with a body that would succeed, or one with
/// a wrong password.
fn sensitive_actions(user: &TestUser, right_password: bool) -> Vec<(Method, &'static str, Value)> {
    let password = if right_password {
        user.password.clone()
    } else {
        "not the password".to_owned()
    };
    vec![
        (
            Method::PATCH,
            "/auth/me",
            json!({"email": "new.address@example.com", "current_password": password}),
        ),
        (
            Method::POST,
            "/auth/password",
            json!({"current_password": password, "new_password": "a brand new passphrase"}),
        ),
        (Method::DELETE, "/auth/me", json!({"password": password})),
    ]
}

async fn attempt(app: &TestApp, action: &(Method, &str, Value), token: &str) -> Response {
    app.send_json(action.0.clone(), action.1, &action.2, Some(token))
        .await
}

/// The password re-checks the throttle counted against the account.
fn rechecks_counted(app: &TestApp, user_id: Uuid) -> i32 {
    app.count(
        "SELECT coalesce(sum(failures), 0)::int AS n FROM login_failures \
         WHERE subject = 'reauth:' || $1::text",
        user_id,
    )
}

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

async fn reauthenticate(app: &TestApp, token: &str, password: &str) -> Response {
    app.post_json(
        "/auth/reauthenticate",
        &json!({ "password": password }),
        Some(token),
    )
    .await
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
async fn after_reauthenticating_the_refused_action_passes() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let stale = with_auth_time(&tokens.access, Some(now_unix() - STALE));
    let delete = sensitive_actions(&user, true).remove(2);
    let refused = attempt(&app, &delete, &stale).await;
    assert_error(refused, StatusCode::FORBIDDEN, "reauth_required").await;

    let response = reauthenticate(&app, &stale, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(
        set_cookies(response.headers()).is_empty(),
        "a bearer request gets no cookies"
    );
    let body: Value = response.json().await.unwrap();
    // The session stays, with its refresh token: the answer carries none.
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert_eq!(body["session_id"], tokens.session_id.to_string());
    assert_eq!(body["user"]["id"], user.id.to_string());
    let renewed = body["access_token"].as_str().unwrap();
    let (_, claims) = decode_jwt(renewed);
    assert_eq!(claims["sid"], tokens.session_id.to_string());
    assert!((now_unix() - auth_time_of(renewed)).abs() <= 5, "{claims}");

    assert_eq!(
        attempt(&app, &delete, renewed).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[actix_web::test]
async fn a_reauthentication_holds_for_the_session_s_later_refreshes() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    set_authenticated_at(&app, tokens.session_id, now_unix() - STALE);

    let response = reauthenticate(&app, &tokens.access, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let renewed: Value = response.json().await.unwrap();
    let auth_time = auth_time_of(renewed["access_token"].as_str().unwrap());

    // The refresh token of the login still works, and its access token says the new time.
    let refreshed = app.refreshed(&tokens.refresh).await;
    assert_eq!(auth_time_of(&refreshed.access), auth_time);
    let change = sensitive_actions(&user, true).remove(1);
    assert_eq!(
        attempt(&app, &change, &refreshed.access).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[actix_web::test]
async fn a_wrong_password_does_not_reauthenticate_and_is_counted() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let stale = with_auth_time(&tokens.access, Some(now_unix() - STALE));

    for password in ["not the password", ""] {
        let response = reauthenticate(&app, &stale, password).await;
        assert_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let missing = app
        .post_json("/auth/reauthenticate", &json!({}), Some(&stale))
        .await;
    assert_error(missing, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(rechecks_counted(&app, user.id), 3);
    let no_token = app
        .post_json(
            "/auth/reauthenticate",
            &json!({"password": user.password}),
            None,
        )
        .await;
    assert_error(no_token, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[actix_web::test]
async fn a_refreshed_access_token_keeps_the_login_s_auth_time() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    // The login's time, the session's start: at most the token's `iat`, within a second.
    let issued_at = decode_jwt(&tokens.access).1["iat"].as_i64().unwrap();
    assert!((0..=1).contains(&(issued_at - auth_time_of(&tokens.access))));
    // The login was long ago: refreshing since has not made it recent.
    let long_ago = now_unix() - STALE;
    set_authenticated_at(&app, tokens.session_id, long_ago);

    let refreshed = app.refreshed(&tokens.refresh).await;
    assert_eq!(auth_time_of(&refreshed.access), long_ago);
    // Presented again within the grace period, the same token gives the same answer.
    let again = app.refreshed(&tokens.refresh).await;
    assert_eq!(auth_time_of(&again.access), long_ago);
    let next = app.refreshed(&refreshed.refresh).await;
    assert_eq!(auth_time_of(&next.access), long_ago);

    for action in sensitive_actions(&user, true) {
        let response = attempt(&app, &action, &next.access).await;
        assert_error(response, StatusCode::FORBIDDEN, "reauth_required").await;
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

#[actix_web::test]
async fn reauthenticating_with_the_access_cookie_sets_only_a_new_access_cookie() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens: Tokens = app.login_as(&user).await;
    let stale = with_auth_time(&tokens.access, Some(now_unix() - STALE));
    let names = app.settings.access.cookies;

    let response = app
        .request(Method::POST, "/auth/reauthenticate")
        .header("cookie", format!("{}={stale}", names.access))
        .header("origin", ALLOWED_ORIGIN)
        .json(&json!({"password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(response.headers());
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let access = find_cookie(&cookies, names.access);
    assert!(access.has("httponly"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(access.value, body["access_token"].as_str().unwrap());

    // A cookie request from elsewhere is refused before the password is looked at.
    let foreign = app
        .request(Method::POST, "/auth/reauthenticate")
        .header("cookie", format!("{}={stale}", names.access))
        .header("origin", "https://evil.example")
        .json(&json!({"password": user.password}))
        .send()
        .await
        .unwrap();
    assert_error(foreign, StatusCode::FORBIDDEN, "csrf_rejected").await;
}

#[actix_web::test]
async fn reauthentication_is_limited_per_address() {
    let app = spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "20/min".into());
    })
    .await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = reauthenticate(&app, &tokens.access, "not the password").await;
        statuses.push(response.status());
    }
    assert_eq!(statuses[..5], [StatusCode::FORBIDDEN; 5], "{statuses:?}");
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

fn set_authenticated_at(app: &TestApp, session_id: Uuid, at: i64) {
    diesel::sql_query("UPDATE sessions SET authenticated_at = to_timestamp($2) WHERE id = $1")
        .bind::<SqlUuid, _>(session_id)
        .bind::<BigInt, _>(at)
        .execute(&mut app.db.connect())
        .unwrap();
}
