use crate::helpers::{assert_error, decode_jwt, median, spawn_app, spawn_app_with, Tokens};
use reqwest::StatusCode;
use serde_json::{json, Value};
use shared_tokens::{AccessClaims, AccessPolicy};
use std::time::{Duration, Instant};
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

#[actix_web::test]
async fn login_matches_the_username_case_insensitively() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    for username in ["ALICE", " Alice ", "ａｌｉｃｅ"] {
        let response = app
            .login(&json!({"username": username, "password": user.password}))
            .await;

        assert_eq!(response.status(), StatusCode::OK, "{username:?}");
    }
}

#[actix_web::test]
async fn login_by_email_matches_case_insensitively() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;

    for email in [
        user.email.as_str(),
        "Alice@Example.COM",
        " ALICE@example.com ",
    ] {
        let response = app
            .login(&json!({"email": email, "password": user.password}))
            .await;

        assert_eq!(response.status(), StatusCode::OK, "{email:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["user"]["id"], user.id.to_string());
    }
}

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

#[actix_web::test]
async fn an_80_byte_password_logs_in_but_its_first_72_bytes_do_not() {
    let app = spawn_app().await;
    let password: String = ('a'..='z').cycle().take(80).collect();
    assert_eq!(password.len(), 80);
    let user = app.register_user_with_password("longpw", &password).await;

    let full = app
        .login(&json!({"username": "longpw", "password": password}))
        .await;
    let truncated = app
        .login(&json!({"username": "longpw", "password": &password[..72]}))
        .await;
    let last_byte_changed = app
        .login(&json!({"username": "longpw", "password": format!("{}X", &password[..79])}))
        .await;

    assert_eq!(full.status(), StatusCode::OK);
    assert_error(truncated, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_error(
        last_byte_changed,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(user.username, "longpw");
}

#[actix_web::test]
async fn a_password_typed_in_a_compatibility_form_is_the_same_password() {
    let app = spawn_app().await;
    app.register_user_with_password("fold", "password12").await;

    let response = app
        .login(&json!({"username": "fold", "password": "ｐａｓｓｗｏｒｄ１２"}))
        .await;

    assert_eq!(response.status(), StatusCode::OK);
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
