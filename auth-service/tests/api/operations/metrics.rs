//! `GET /metrics` (docs/OPERATIONS.md, Metrics): logins, refreshes, rejected tokens and requests
//! are counted by outcome and by route template, the login series from zero, and no label holds
//! a concrete id or an unknown path.

use super::{count, scrape};
use crate::helpers::spawn_app_with;
use reqwest::StatusCode;
use serde_json::json;

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
