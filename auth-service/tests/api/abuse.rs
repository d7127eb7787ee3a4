//! Abuse resistance: per-address rate limits, failed-login throttling that agrees
//! across instances, never locks the owner out and reveals nothing, and the size limits.

use crate::helpers::{assert_error, spawn_app, spawn_app_with, TestApp};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

const WRONG: &str = "definitely not the password";

/// An app behind a trusted proxy (the test client), so `X-Forwarded-For` picks the address.
async fn app_behind_proxy(max_failures: &str) -> TestApp {
    spawn_app_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
        vars.insert("LOGIN_MAX_FAILURES".into(), max_failures.into());
    })
    .await
}

async fn login_from(address: &str, app_url: &str, identifier: &str, password: &str) -> Response {
    reqwest::Client::new()
        .post(format!("{app_url}/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"username": identifier, "password": password}))
        .send()
        .await
        .unwrap()
}

fn retry_after(response: &Response) -> Option<u64> {
    response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap())
}

/// Status, `Retry-After` presence and body of each attempt: what a client can observe.
async fn observe(response: Response) -> (StatusCode, bool, Value) {
    let status = response.status();
    let has_retry_after = retry_after(&response).is_some();
    (
        status,
        has_retry_after,
        response.json().await.unwrap_or(Value::Null),
    )
}

#[actix_web::test]
async fn one_address_is_throttled_after_the_max_failures_even_with_the_right_password() {
    let app = app_behind_proxy("3").await;
    let user = app.register_user("alice").await;
    let a = "203.0.113.10";

    for attempt in 1..=3 {
        let response = login_from(a, &app.address, "alice", WRONG).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        // The third failure starts the backoff and says so.
        assert_eq!(
            retry_after(&response).is_some(),
            attempt == 3,
            "attempt {attempt}"
        );
    }
    let response = login_from(a, &app.address, "alice", &user.password).await;
    let wait = retry_after(&response).expect("throttled answers carry Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    // The owner from an address that has not failed gets straight in.
    let response = login_from("198.51.100.7", &app.address, "alice", &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_unknown_identifier_is_throttled_exactly_like_a_real_account() {
    let app = app_behind_proxy("3").await;
    app.register_user("alice").await;

    let mut real = Vec::new();
    let mut ghost = Vec::new();
    for _ in 0..5 {
        real.push(observe(login_from("203.0.113.20", &app.address, "alice", WRONG).await).await);
        ghost.push(observe(login_from("203.0.113.21", &app.address, "nobody", WRONG).await).await);
    }
    assert_eq!(real, ghost);
    assert!(real.iter().any(|(_, throttled, _)| *throttled));
    assert!(real
        .iter()
        .all(|(status, _, _)| *status == StatusCode::UNAUTHORIZED));
}

#[actix_web::test]
async fn failures_counted_on_one_instance_throttle_on_the_other() {
    let app = app_behind_proxy("3").await;
    let user = app.register_user("alice").await;
    let second = app.spawn_second_instance().await;
    let a = "203.0.113.30";

    for _ in 0..3 {
        let response = login_from(a, &app.address, "alice", WRONG).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = login_from(a, &second, "alice", &user.password).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(retry_after(&response).is_some());
}

#[actix_web::test]
async fn a_spray_from_many_addresses_is_throttled_but_the_owner_still_gets_in() {
    let app = app_behind_proxy("3").await;
    let user = app.register_user("alice").await;

    // 20 addresses, one guess each: the account passes 3 x 3 = 9 failures and is under attack.
    let sprayers: Vec<String> = (1..=20).map(|i| format!("192.0.2.{i}")).collect();
    for address in &sprayers {
        let response = login_from(address, &app.address, "alice", WRONG).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Each of them is now held off for the long wait, even with the right password.
    let response = login_from(&sprayers[0], &app.address, "alice", &user.password).await;
    let wait = retry_after(&response).expect("a sprayer is throttled");
    assert!(wait > 60, "under attack the wait is long: {wait}");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // The owner, from an address that never failed, logs in at once during the attack.
    let response = login_from("198.51.100.1", &app.address, "alice", &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn the_per_address_rate_limit_answers_429_with_retry_after() {
    let app = spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "20/min".into());
    })
    .await;
    // The burst of 5 passes (to the handler, which refuses the empty body).
    for _ in 0..5 {
        let response = app.login(&json!({})).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let response = app.login(&json!({})).await;
    let wait = retry_after(&response).expect("429 carries Retry-After");
    assert!((1..=3).contains(&wait), "{wait}");
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;

    // Each limited route has its own budget; other routes are not limited.
    let response = app.post_json("/auth/register", &json!({}), None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    for _ in 0..10 {
        assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    }
}

#[actix_web::test]
async fn a_forged_forwarded_for_does_not_escape_the_rate_limit_without_trusted_proxies() {
    let app = spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "5/min".into());
    })
    .await;
    let mut statuses = Vec::new();
    for i in 0..7 {
        let response = app
            .request(reqwest::Method::POST, "/auth/refresh")
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
}

#[actix_web::test]
async fn behind_a_trusted_proxy_each_client_address_has_its_own_budget() {
    let app = spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "5/min".into());
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.0/8".into());
    })
    .await;
    for i in 0..12 {
        let response = app
            .request(reqwest::Method::POST, "/auth/refresh")
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

#[actix_web::test]
async fn json_bodies_over_16_kib_are_413_and_oversized_bearer_tokens_are_refused() {
    let app = spawn_app_with(|_| {}).await;
    let big = "x".repeat(17 * 1024);
    let response = app
        .post_json(
            "/auth/login",
            &json!({"username": big, "password": "p"}),
            None,
        )
        .await;
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let huge_token = "a".repeat(9 * 1024);
    let response = app.get("/auth/me", Some(&huge_token)).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app_with(|_| {}).await;
    for response in [
        app.get("/", None).await,
        app.get("/auth/me", None).await,
        app.get("/no/such/route", None).await,
    ] {
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["content-security-policy"], "frame-ancestors 'none'");
    }
}

#[actix_web::test]
async fn the_burst_follows_a_high_rate_so_twenty_parallel_refreshes_pass() {
    // 1000/min refills one request every 60 ms: twenty at once pass only on a burst of 20+.
    let app = spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "1000/min".into());
    })
    .await;
    let burst = (0..20).map(|_| {
        app.request(reqwest::Method::POST, "/auth/refresh")
            .json(&json!({"refresh_token": "not-a-token"}))
            .send()
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(burst)
        .await
        .into_iter()
        .map(|r| r.unwrap().status())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn parallel_logins_with_the_right_password_are_never_throttled_below_the_limit() {
    // Four at once, under LOGIN_MAX_FAILURES (5): each owes no wait, even when another
    // attempt recorded its reservation a moment after this one read the clock.
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let body = json!({"username": "alice", "password": user.password});
    for round in 0..10 {
        let logins = (0..4).map(|_| app.login(&body));
        for response in futures_util::future::join_all(logins).await {
            assert_eq!(response.status(), StatusCode::OK, "round {round}");
        }
    }
}
