//! Requests too malformed to parse (a NUL in a header, a space in a header name, a NUL in the
//! path): answered 400 and counted in `http_malformed_requests_total`, never logged as ERROR,
//! since they are the client's fault.

use super::*;

#[actix_web::test]
async fn unparseable_requests_are_counted_not_logged_as_errors() {
    let db = TestDatabase::create();
    let metrics_port = free_port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let (running, address) = start_binary(
        &db,
        &[
            ("RUST_LOG", "info"),
            ("METRICS_ADDR", metrics_addr.as_str()),
        ],
    )
    .await;
    let host = address.trim_start_matches("http://").to_owned();
    let garbage: [&[u8]; 3] = [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
        b"GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n",
    ];
    for request in garbage {
        let host = host.clone();
        let answer = tokio::task::spawn_blocking(move || {
            test_support::raw_http::exchange(&host, request).status
        })
        .await
        .unwrap();
        assert_eq!(answer, 400);
    }
    let text = http_client()
        .get(format!("http://{metrics_addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        test_support::metric(&text, "http_malformed_requests_total"),
        Some(3.0),
        "{text}"
    );
    let logs = running.stop();
    let errors: Vec<&str> = logs.lines().filter(|l| l.contains(" ERROR ")).collect();
    assert!(
        errors.is_empty(),
        "client garbage logged as ERROR: {errors:?}"
    );
}
