//! Request ids (docs/OPERATIONS.md, Logs and request ids): a sane `X-Request-Id` comes back as
//! sent and anything else is replaced by a fresh UUID, every answer carries one (a rate-limited
//! 429 too, which is also counted), and every log line of a request ends with its id.

use super::{count, scrape};
use crate::helpers::{spawn_app, spawn_app_with};
use crate::logging::start_binary;
use reqwest::StatusCode;
use serde_json::json;
use test_support::TestDatabase;

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
