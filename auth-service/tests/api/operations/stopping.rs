//! Stopping (docs/OPERATIONS.md, Stopping): on SIGTERM the binary stops serving, stops its cleanup
//! task cleanly and exits 0.

use crate::logging::start_binary;
use std::time::{Duration, Instant};
use test_support::TestDatabase;

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
