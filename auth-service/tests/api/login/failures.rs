//! How a login fails (docs/API.md, `POST /auth/login`): 400 without an identifier or a password,
//! otherwise 401 `invalid_credentials` whatever the cause, and an unknown user cannot be told from
//! a wrong password by the status, the body or the time the answer takes.

use crate::helpers::{assert_error, median, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

#[actix_web::test]
async fn failed_logins_are_401_invalid_credentials() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let cases = [
        (
            json!({"username": "alice", "password": "wrong password"}),
            "wrong password",
        ),
        (
            json!({"username": "nobody", "password": user.password}),
            "unknown username",
        ),
        (
            json!({"email": "nobody@example.com", "password": user.password}),
            "unknown email",
        ),
        (
            json!({"email": "alice@example.com", "password": "wrong password"}),
            "email, wrong password",
        ),
        (
            json!({"username": "not a valid name!", "password": user.password}),
            "invalid username",
        ),
        (
            json!({"username": "alice", "password": format!("{} ", user.password)}),
            "trailing space",
        ),
    ];

    for (body, why) in cases {
        let response = app.login(&body).await;

        let body = assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        assert!(body.get("access_token").is_none(), "{why}");
    }
}

#[actix_web::test]
async fn login_without_an_identifier_or_password_is_400() {
    let app = spawn_app().await;
    let cases = [
        (json!({"password": "whatever123"}), "username"),
        (
            json!({"username": "  ", "password": "whatever123"}),
            "username",
        ),
        (json!({"username": "alice"}), "password"),
        (json!({"username": "alice", "password": ""}), "password"),
    ];

    for (body, field) in cases {
        let response = app.login(&body).await;

        let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert!(body["fields"].get(field).is_some(), "{body}");
    }
}

async fn timed_login(
    app: &crate::helpers::TestApp,
    username: &str,
) -> (Duration, StatusCode, String) {
    let started = Instant::now();
    let response = app
        .login(&json!({"username": username, "password": "not the password"}))
        .await;
    let elapsed = started.elapsed();
    let status = response.status();
    (elapsed, status, response.text().await.unwrap())
}

#[actix_web::test]
async fn unknown_user_and_wrong_password_are_indistinguishable_by_status_body_and_timing() {
    let app = spawn_app_with(|vars| {
        vars.insert("BCRYPT_COST".into(), "10".into());
    })
    .await;
    app.register_user("alice").await;
    // Both paths once, so the dummy hash and the connections are warm.
    timed_login(&app, "alice").await;
    timed_login(&app, "nobody").await;

    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let mut bodies = Vec::new();
    for _ in 0..7 {
        let (t, status, body) = timed_login(&app, "alice").await;
        known.push(t);
        bodies.push((status, body));
        let (t, status, body) = timed_login(&app, "nobody").await;
        unknown.push(t);
        bodies.push((status, body));
    }

    let first = bodies[0].clone();
    assert_eq!(first.0, StatusCode::UNAUTHORIZED);
    for answer in &bodies {
        assert_eq!(answer, &first, "every failed login answers the same");
    }
    let (known, unknown) = (median(known), median(unknown));
    let ratio = unknown.as_secs_f64() / known.as_secs_f64();
    println!("login timing (bcrypt cost 10): wrong password median {known:?}, unknown user median {unknown:?}, ratio {ratio:.2}");
    assert!(
        (0.5..=2.0).contains(&ratio),
        "unknown user {unknown:?} vs wrong password {known:?} (ratio {ratio:.2})"
    );
    assert!(
        known > Duration::from_millis(5),
        "bcrypt really ran: {known:?}"
    );
}
