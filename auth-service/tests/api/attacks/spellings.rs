//! Other spellings of a limited route, and what they must not grow: each one counts against
//! the per-address limit, and made-up methods add no metric series.

use crate::helpers::{spawn_app_with, TestApp};
use test_support::raw_http;

/// An app with the per-address limit on (20/min: a burst of 5).
async fn limited_app() -> TestApp {
    spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_PER_IP".into(), "20/min".into());
    })
    .await
}

pub(super) fn host(app: &TestApp) -> String {
    format!("127.0.0.1:{}", app.port)
}

fn post(app: &TestApp, path: &str, body: &str) -> u16 {
    raw_http::send(
        &host(app),
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .status
}

/// Other ways to write `path`: each percent-encoded letter, other case, trailing and doubled
/// slashes, a dot segment.
fn spellings(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in path.char_indices() {
        if c.is_ascii_alphabetic() {
            out.push(format!("{}%{:02X}{}", &path[..i], c as u32, &path[i + 1..]));
            out.push(format!("{}%{:02x}{}", &path[..i], c as u32, &path[i + 1..]));
        }
    }
    out.push(path.to_ascii_uppercase());
    out.push(format!("{path}/"));
    out.push(format!("/{path}"));
    out.push(path.replacen('/', "//", 2));
    out.push(path.replace("/auth/", "/auth/./"));
    out.push(path.replace("/auth/", "/auth/x/../"));
    out.push(format!("{path}?x=1"));
    out.push(format!("{path}%2F"));
    out
}

#[actix_web::test]
async fn no_spelling_of_a_limited_route_reaches_its_handler_unlimited() {
    let app = limited_app().await;
    // Wrong credentials or a missing token: the handler answers 400/401/403, the limiter 429.
    let routes: [(&str, &str, &str); 5] = [
        (
            "POST",
            "/auth/login",
            r#"{"username":"nobody","password":"x"}"#,
        ),
        ("POST", "/auth/register", r#"{}"#),
        ("POST", "/auth/refresh", r#"{"refresh_token":"x"}"#),
        ("POST", "/auth/password", r#"{}"#),
        ("DELETE", "/auth/me", r#"{}"#),
    ];
    for (method, path, body) in routes {
        let addr = host(&app);
        let send = |p: &str| {
            raw_http::send(
                &addr,
                method,
                p,
                &[("Content-Type", "application/json")],
                body.as_bytes(),
            )
            .status
        };
        // Spend the burst on the plain spelling.
        for _ in 0..5 {
            let status = send(path);
            assert_ne!(status, 429, "{method} {path} limited within the burst");
            assert_ne!(status, 404, "{method} {path} must exist");
        }
        assert_eq!(send(path), 429, "{method} {path} after the burst");
        let mut reached = Vec::new();
        for spelling in spellings(path) {
            let status = send(&spelling);
            // Either no route at all, or the limit applies.
            if status != 404 && status != 429 {
                reached.push(format!("{method} {spelling} -> {status}"));
            }
        }
        assert!(
            reached.is_empty(),
            "reached the handler unlimited: {reached:?}"
        );
    }
}

#[actix_web::test]
async fn each_percent_encoded_spelling_counts_against_the_same_bucket() {
    let app = limited_app().await;
    let body = r#"{"username":"nobody","password":"x"}"#;
    // The burst spent entirely through encoded spellings, then the plain path is limited.
    for path in [
        "/auth/logi%6E",
        "/auth/%6Cogin",
        "/%61uth/login",
        "/auth/login",
        "/auth/LOGIN",
    ] {
        let status = post(&app, path, body);
        assert!(status == 401 || status == 404, "{path}: {status}");
    }
    // Four of the five above reached the handler (the upper-case one is no route).
    assert_eq!(post(&app, "/auth/login", body), 401);
    assert_eq!(post(&app, "/auth/login", body), 429);
    assert_eq!(post(&app, "/auth/logi%6E", body), 429);
}

#[actix_web::test]
async fn metrics_are_not_on_the_public_port_and_made_up_methods_add_no_series() {
    let app = spawn_app_with(|_| {}).await;
    let public = raw_http::send(&host(&app), "GET", "/metrics", &[], b"");
    assert_eq!(public.status, 404, "/metrics must not be served publicly");

    let scrape = || async {
        app.client
            .get(format!("{}/metrics", app.metrics_address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    for i in 0..40 {
        let method = format!("X{i}");
        raw_http::send(&host(&app), &method, "/auth/login", &[], b"");
        raw_http::send(&host(&app), &method, &format!("/random/{i}"), &[], b"");
    }
    let first = scrape().await;
    let series = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("http_requests_total{"))
            .count()
    };
    for i in 40..80 {
        let method = format!("X{i}");
        raw_http::send(&host(&app), &method, "/auth/login", &[], b"");
        raw_http::send(&host(&app), &method, &format!("/random/{i}"), &[], b"");
    }
    let second = scrape().await;
    assert!(
        !second.contains("method=\"X"),
        "made-up methods became labels"
    );
    assert!(second.contains("method=\"other\""));
    assert!(!second.contains("/random/"));
    assert_eq!(
        series(&first),
        series(&second),
        "forty more made-up methods and paths must add no series"
    );
}
