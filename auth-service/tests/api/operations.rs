//! Operations on auth-service: `/metrics`, `X-Request-Id` (in responses and in every log line of the
//! request) and the orderly stop on SIGTERM.

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::logging::start_binary;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};
use test_support::{metric, TestDatabase};

async fn scrape(app: &TestApp) -> String {
    let response = app
        .client
        .get(format!("{}/metrics", app.metrics_address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    response.text().await.unwrap()
}

fn count(text: &str, series: &str) -> f64 {
    metric(text, series).unwrap_or_else(|| panic!("no series {series} in:\n{text}"))
}

#[actix_web::test]
async fn metrics_count_logins_refreshes_rejections_and_requests_by_route_template() {
    let app = spawn_app_with(|vars| {
        vars.insert("LOGIN_MAX_FAILURES".into(), "1".into());
    })
    .await;
    let before = scrape(&app).await;
    for outcome in ["succeeded", "failed", "throttled"] {
        let series = format!(r#"auth_logins_total{{outcome="{outcome}"}}"#);
        assert_eq!(
            count(&before, &series),
            0.0,
            "exported at zero from the start"
        );
    }

    let user = app.register_user("alice").await;
    let first = app.login_as(&user).await;
    let second = app.refreshed(&first.refresh).await;
    // The predecessor again within the grace period: the same successor, re-issued.
    let again = app.refreshed(&first.refresh).await;
    assert_eq!(again.refresh, second.refresh);
    let third = app.refreshed(&second.refresh).await;
    // Two generations back: reuse, the family is revoked.
    let reused = app.refresh(&first.refresh).await;
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);
    // The revoked family's access token, a garbage bearer and a garbage refresh token.
    assert_eq!(
        app.get("/auth/me", Some(&third.access)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/auth/me", Some("garbage")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.refresh("garbage").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // A wrong password, then (LOGIN_MAX_FAILURES=1) a throttled attempt.
    let wrong = json!({"username": "alice", "password": "Wrong-Passphrase-0815"});
    assert_eq!(app.login(&wrong).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login(&wrong).await.status(), StatusCode::UNAUTHORIZED);
    let fresh = app.register_user("bob").await;
    let bob = app.login_as(&fresh).await;
    let session = uuid::Uuid::new_v4();
    let revoke = app
        .request(
            reqwest::Method::DELETE,
            &format!("/auth/sessions/{session}"),
        )
        .bearer_auth(&bob.access)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/no/such/route/123", None).await.status(),
        StatusCode::NOT_FOUND
    );

    let text = scrape(&app).await;
    let expect = [
        (r#"auth_logins_total{outcome="succeeded"}"#, 2.0),
        (r#"auth_logins_total{outcome="failed"}"#, 1.0),
        (r#"auth_logins_total{outcome="throttled"}"#, 1.0),
        (r#"auth_refresh_total{outcome="rotated"}"#, 2.0),
        (r#"auth_refresh_total{outcome="grace_reissued"}"#, 1.0),
        (r#"auth_refresh_total{outcome="reuse_detected"}"#, 1.0),
        (r#"auth_refresh_total{outcome="rejected"}"#, 1.0),
        (r#"tokens_rejected_total{reason="session_ended"}"#, 1.0),
        (r#"tokens_rejected_total{reason="malformed"}"#, 2.0),
        (
            r#"http_requests_total{method="POST",route="/auth/login",status="200"}"#,
            2.0,
        ),
        (
            r#"http_requests_total{method="POST",route="/auth/login",status="401"}"#,
            2.0,
        ),
        (
            r#"http_request_duration_seconds_count{method="POST",route="/auth/refresh",status="200"}"#,
            3.0,
        ),
        (
            r#"http_requests_total{method="DELETE",route="/auth/sessions/{id}",status="404"}"#,
            1.0,
        ),
        (
            r#"http_requests_total{method="GET",route="unmatched",status="404"}"#,
            1.0,
        ),
        (
            "db_pool_max_connections",
            f64::from(app.settings.server.db_pool_size),
        ),
    ];
    for (series, value) in expect {
        assert_eq!(count(&text, series), value, "{series}");
    }
    assert!(count(&text, "db_pool_connections") >= 1.0);
    // Labels hold templates only: no concrete id, no raw unknown path.
    assert!(!text.contains(&session.to_string()));
    assert!(!text.contains("/no/such/route"));
}

#[actix_web::test]
async fn a_sane_request_id_is_echoed_and_anything_else_replaced_by_a_fresh_one() {
    let app = spawn_app().await;
    let with_id = |id: &str| {
        app.request(reqwest::Method::GET, "/healthz")
            .header("x-request-id", id)
            .send()
    };
    let echoed = with_id("client-trace-42:a.b_c").await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "client-trace-42:a.b_c");

    for insane in ["has spaces", "semi;colon", &"a".repeat(129)] {
        let response = with_id(insane).await.unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, insane);
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
    let a = app.get("/healthz", None).await;
    let b = app.get("/no/such/route", None).await;
    let (a, b) = (&a.headers()["x-request-id"], &b.headers()["x-request-id"]);
    assert!(uuid::Uuid::parse_str(a.to_str().unwrap()).is_ok());
    assert_ne!(a, b, "each request gets its own id, errors included");
}

#[actix_web::test]
async fn a_rate_limited_answer_carries_the_request_id_and_is_counted() {
    let app = spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "1/min".into());
    })
    .await;
    let body = json!({"username": "nobody", "password": "whatever-it-is"});
    let mut limited = None;
    for _ in 0..10 {
        let response = app.login(&body).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the limit must answer 429 within ten attempts");
    assert!(limited.headers().contains_key("x-request-id"));
    assert!(limited.headers().contains_key("retry-after"));
    let text = scrape(&app).await;
    assert!(
        count(
            &text,
            r#"http_requests_total{method="POST",route="/auth/login",status="429"}"#
        ) >= 1.0
    );
}

#[actix_web::test]
async fn every_log_line_of_a_request_carries_its_id() {
    let db = TestDatabase::create();
    let (running, address) =
        start_binary(&db, &[("RUST_LOG", "info"), ("REFRESH_REUSE_GRACE", "0")]).await;
    let client = crate::helpers::http_client();
    let post = |path: &str, id: &str, body: serde_json::Value| {
        client
            .post(format!("{address}{path}"))
            .header("x-request-id", id)
            .json(&body)
            .send()
    };
    let password = "Plaintext-Passphrase-4711";
    let registered = post(
        "/auth/register",
        "rid-register",
        json!({"username": "alice", "email": "alice@example.com", "full_name": "Alice", "password": password}),
    )
    .await
    .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let failed = post(
        "/auth/login",
        "rid-login-failed",
        json!({"username": "alice", "password": "Wrong-Passphrase-0815"}),
    )
    .await
    .unwrap();
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    let login = post(
        "/auth/login",
        "rid-login-ok",
        json!({"username": "alice", "password": password}),
    )
    .await
    .unwrap();
    let first = crate::helpers::Tokens::from_body(login.json().await.unwrap());
    let rotated = post(
        "/auth/refresh",
        "rid-rotate",
        json!({"refresh_token": first.refresh}),
    )
    .await
    .unwrap();
    assert_eq!(rotated.status(), StatusCode::OK);
    let reused = post(
        "/auth/refresh",
        "rid-reuse",
        json!({"refresh_token": first.refresh}),
    )
    .await
    .unwrap();
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);
    let logs = running.stop();

    // Each request's own lines: the handler's and the access log's, all with its id.
    let lines_with =
        |needle: &str| -> Vec<&str> { logs.lines().filter(|line| line.contains(needle)).collect() };
    for (what, id) in [
        ("login failed", "rid-login-failed"),
        ("login succeeded", "rid-login-ok"),
        ("refresh token reuse detected", "rid-reuse"),
        ("POST /auth/login 401", "rid-login-failed"),
        ("POST /auth/login 200", "rid-login-ok"),
        ("POST /auth/refresh 200", "rid-rotate"),
        ("POST /auth/refresh 401", "rid-reuse"),
        ("POST /auth/register 201", "rid-register"),
    ] {
        let lines = lines_with(what);
        assert_eq!(lines.len(), 1, "one line '{what}' in:\n{logs}");
        assert!(
            lines[0].ends_with(&format!("request_id={id}")),
            "'{what}' must carry request_id={id}: {}",
            lines[0]
        );
    }
    // The access log line is method, route, status and latency: nothing else of the request.
    let access = lines_with("POST /auth/login 200")[0];
    assert!(access.contains(" access] "), "{access}");
    assert!(!access.contains(password) && !access.contains(&first.access));
}

#[actix_web::test]
async fn sigterm_stops_the_server_and_the_cleanup_task_and_exits_zero() {
    let db = TestDatabase::create();
    let (mut running, address) = start_binary(&db, &[("RUST_LOG", "info")]).await;
    let pid = running.child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    let logs = std::fs::read_to_string(&running.log).unwrap();
    assert!(
        logs.contains("background task cleanup stopped"),
        "the cleanup task stopped cleanly:\n{logs}"
    );
    assert!(logs.contains("auth-service stopped"), "{logs}");
    assert!(
        crate::helpers::http_client()
            .get(format!("{address}/healthz"))
            .send()
            .await
            .is_err(),
        "nothing answers after the stop"
    );
}
