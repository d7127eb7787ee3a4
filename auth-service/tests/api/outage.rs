use crate::helpers::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

/// "Within a few seconds": the pool gives up on a connection after 3 s.
const PROMPTLY: Duration = Duration::from_secs(6);

/// What a readiness probe with a 1 s timeout needs: an answer well within it.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

#[actix_web::test]
async fn a_database_outage_gives_prompt_503s_and_the_service_recovers_by_itself() {
    let app = spawn_app().await;
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;

    app.db.set_available(false);

    let started = Instant::now();
    let ready = app.get("/readyz", None).await;
    assert!(
        started.elapsed() < PROMPTLY,
        "readyz took {:?}",
        started.elapsed()
    );
    assert_error(ready, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;

    let started = Instant::now();
    let login = app
        .login(&json!({"username": "alice", "password": user.password}))
        .await;
    assert!(
        started.elapsed() < PROMPTLY,
        "login took {:?}",
        started.elapsed()
    );
    assert_error(login, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;

    let refresh = app.refresh(&tokens.refresh).await;
    assert_error(refresh, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    let me = app.get("/auth/me", Some(&tokens.access)).await;
    assert_error(me, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    let register = app
        .register("bob", "bob@example.com", "Bob", "correct horse battery")
        .await;
    assert_error(register, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    let healthz = app.get("/healthz", None).await;
    assert_eq!(healthz.status(), StatusCode::OK, "the process still serves");

    // Once the pool knows the database is gone, every answer is quick.
    for _ in 0..3 {
        let started = Instant::now();
        let ready = app.get("/readyz", None).await;
        let took = started.elapsed();
        println!("readyz during the outage: {took:?}");
        assert!(took < PROBE_TIMEOUT, "readyz took {took:?}");
        assert_error(ready, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
        let started = Instant::now();
        let me = app.get("/auth/me", Some(&tokens.access)).await;
        assert!(
            started.elapsed() < PROBE_TIMEOUT,
            "/auth/me took {:?}",
            started.elapsed()
        );
        assert_error(me, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    }

    app.db.set_available(true);
    let back = Instant::now();

    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = app.get("/readyz", None).await.status();
        if status == StatusCode::OK {
            break;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(Instant::now() < deadline, "readyz did not recover");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "ready again {:?} after the database came back",
        back.elapsed()
    );
    assert!(
        back.elapsed() < Duration::from_secs(2),
        "{:?}",
        back.elapsed()
    );
    app.login_as(&user).await;
    assert_eq!(app.refresh(&tokens.refresh).await.status(), StatusCode::OK);
}
