//! Recent login (docs/TOKENS.md, Recent login): deleting the account and changing the password or
//! the email need an access token whose `auth_time` is within `REAUTH_WINDOW`; `POST
//! /auth/reauthenticate` makes the session's login recent again.
//!
//! `window`: which actions need a recent login, and what they answer without one;
//! `reauthenticate`: the endpoint that renews it; `refresh`: how `auth_time` carries over refreshes.
//! The helpers below forge stale tokens and try the sensitive actions for all three.

mod reauthenticate;
mod refresh;
mod window;

use crate::helpers::{decode_jwt, TestApp, TestUser};
use reqwest::{Method, Response};
use serde_json::{json, Value};
use shared_tokens::ACCESS_TYP;
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

async fn reauthenticate(app: &TestApp, token: &str, password: &str) -> Response {
    app.post_json(
        "/auth/reauthenticate",
        &json!({ "password": password }),
        Some(token),
    )
    .await
}
