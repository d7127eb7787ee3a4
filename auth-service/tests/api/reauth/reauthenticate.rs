//! `POST /auth/reauthenticate` (docs/TOKENS.md, Recent login; docs/API.md): the right password
//! gives a fresh access token for the same session, which the refused action then accepts; a wrong
//! or missing one is refused and counted; with the access cookie the answer sets that cookie only,
//! and only from the allowed origin; the endpoint is rate-limited per address.

use super::{
    attempt, auth_time_of, reauthenticate, rechecks_counted, sensitive_actions, with_auth_time,
    STALE,
};
use crate::helpers::{
    assert_error, decode_jwt, find_cookie, set_cookies, spawn_app, spawn_app_with, Tokens,
    ALLOWED_ORIGIN,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared_tokens::now_unix;

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
