//! A successful login's answer (docs/API.md, `POST /auth/login`; docs/TOKENS.md, Access token and
//! Refresh token): a token response that is not cached, an access token with the specified header
//! and claims that a resource server verifies, a refresh token of its own kind and audience, and
//! lifetimes of a few seconds that still start and issue tokens.

use crate::helpers::{assert_error, decode_jwt, spawn_app, spawn_app_with, Tokens};
use reqwest::StatusCode;
use serde_json::{json, Value};
use shared_tokens::{AccessClaims, AccessPolicy};
use test_support::access_keys::{Key, Mode};

#[actix_web::test]
async fn login_by_username_returns_a_token_response_that_is_not_cached() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    let response = app
        .login(&json!({"username": "alice", "password": user.password}))
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let refresh_in = body["refresh_expires_in"].as_i64().unwrap();
    assert!(
        (7 * 86_400 - 5..=7 * 86_400).contains(&refresh_in),
        "{refresh_in}"
    );
    assert_eq!(body["user"]["id"], user.id.to_string());
    assert_eq!(body["user"]["username"], "alice");
    assert_eq!(body["user"]["roles"], json!(["user"]));
    assert!(body["user"].get("password_hash").is_none());
    let tokens = Tokens::from_body(body);
    assert_ne!(tokens.access, tokens.refresh);
}

#[actix_web::test]
async fn the_access_token_carries_the_spec_header_and_claims_and_verifies() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    let tokens = app.login_as(&user).await;

    let (header, claims) = decode_jwt(&tokens.access);
    assert_eq!(header["typ"], "at+jwt");
    let kid = header["kid"].as_str().unwrap();
    match test_support::access_keys::mode() {
        // The first 16 hex digits of the secret's SHA-256.
        Mode::Hs256 => {
            assert_eq!(header["alg"], "HS256");
            assert_eq!(kid.len(), 16);
        }
        // The RFC 7638 thumbprint of the public key: 43 base64url characters.
        Mode::EdDsa => {
            assert_eq!(header["alg"], "EdDSA");
            assert_eq!(kid, Key::Current.private_key().kid());
            assert_eq!(kid.len(), 43);
        }
    }
    assert_eq!(claims["iss"], "auth-service");
    assert_eq!(claims["aud"], "resource-service");
    assert_eq!(claims["sub"], user.id.to_string());
    assert_eq!(claims["sid"], tokens.session_id.to_string());
    assert!(claims["jti"]
        .as_str()
        .unwrap()
        .parse::<uuid::Uuid>()
        .is_ok());
    assert_eq!(claims["username"], "alice");
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["name"], "alice Example");
    assert_eq!(claims["roles"], json!(["user"]));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    // What a resource server would do with it.
    let policy = AccessPolicy::from_config(&app.settings.access);
    let verified: AccessClaims = policy.verifier.verify(&tokens.access).unwrap();
    assert_eq!(verified.sub, user.id);
}

#[actix_web::test]
async fn the_refresh_token_is_its_own_kind_with_its_own_audience() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    let tokens = app.login_as(&user).await;

    let (header, claims) = decode_jwt(&tokens.refresh);
    assert_eq!(header["typ"], "rt+jwt");
    let (access_header, _) = decode_jwt(&tokens.access);
    assert_ne!(
        header["kid"], access_header["kid"],
        "signed with another secret"
    );
    assert_eq!(claims["iss"], "auth-service");
    assert_eq!(claims["aud"], "auth-service");
    assert_eq!(claims["sub"], user.id.to_string());
    assert_eq!(claims["sid"], tokens.session_id.to_string());
    assert!(claims["jti"]
        .as_str()
        .unwrap()
        .parse::<uuid::Uuid>()
        .is_ok());
    // A refresh token is not an access token.
    let me = app.get("/auth/me", Some(&tokens.refresh)).await;
    assert_error(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

/// Lifetimes of a few seconds (what the browser tests run with) start, and log in and refresh:
/// the start-up self-test signs its probes with the configured lifetimes, not a fixed minute.
#[actix_web::test]
async fn lifetimes_of_a_few_seconds_without_leeway_start_and_issue_tokens() {
    let app = spawn_app_with(|vars| {
        vars.insert("ACCESS_TOKEN_EXPIRY".into(), "4s".into());
        vars.insert("REFRESH_TOKEN_EXPIRY".into(), "20s".into());
        vars.insert("JWT_LEEWAY".into(), "0".into());
    })
    .await;
    let user = app.register_user("alice").await;

    let tokens = app.login_as(&user).await;
    assert_eq!(tokens.body["expires_in"], 4);
    let me = app.get("/auth/me", Some(&tokens.access)).await;
    assert_eq!(me.status(), StatusCode::OK);
    app.refreshed(&tokens.refresh).await;
}
