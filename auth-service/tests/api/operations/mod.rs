//! Operations on auth-service (docs/OPERATIONS.md): `/metrics` (`metrics`), `X-Request-Id` in
//! responses and in every log line of the request (`request_ids`), and the orderly stop on SIGTERM
//! (`stopping`). The scrape of `/metrics` below serves the first two.

mod metrics;
mod request_ids;
mod stopping;

use crate::helpers::TestApp;
use reqwest::StatusCode;
use test_support::metric;

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
