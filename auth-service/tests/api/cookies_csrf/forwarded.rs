//! Where a request was sent, as the origin check sees it (docs/COOKIES.md, Origin check):
//! `Forwarded`, `X-Forwarded-Host` and `X-Forwarded-Proto` count only from `TRUSTED_PROXIES`,
//! and the scheme is part of the origin.

use super::{cookie_request, logged_in};
use crate::helpers::{assert_error, spawn_app, spawn_app_with, TestApp, Tokens};
use reqwest::{Method, StatusCode};

/// A cookie-authenticated `POST /auth/logout-all` carrying `headers`.
async fn logout_all(app: &TestApp, tokens: &Tokens, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = cookie_request(
        app,
        Method::POST,
        "/auth/logout-all",
        format!("__Host-access_token={}", tokens.access),
    );
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// A cookie-only `POST /auth/refresh` carrying `headers`.
async fn refresh(app: &TestApp, refresh: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = cookie_request(
        app,
        Method::POST,
        "/auth/refresh",
        format!("__Host-refresh_token={refresh}"),
    );
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// What an attacker's page would claim: its own origin, and forwarding headers that name it.
const FORGED: [&[(&str, &str)]; 3] = [
    &[
        ("origin", "https://evil.example"),
        ("x-forwarded-host", "evil.example"),
    ],
    &[
        ("origin", "https://evil.example"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "https"),
    ],
    &[
        ("origin", "https://evil.example"),
        ("forwarded", "host=evil.example;proto=https"),
    ],
];

#[actix_web::test]
async fn forwarding_headers_from_an_untrusted_peer_do_not_make_a_foreign_origin_ours() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;

    for headers in FORGED {
        let answer = logout_all(&app, &tokens, headers).await;
        assert_error(answer, StatusCode::FORBIDDEN, "csrf_rejected").await;
        let answer = refresh(&app, &tokens.refresh, headers).await;
        assert_error(answer, StatusCode::FORBIDDEN, "csrf_rejected").await;
    }
    let session = app.session(tokens.session_id);
    assert!(session.revoked_at.is_none());
    assert_eq!(session.generation, 0);
}

#[actix_web::test]
async fn the_scheme_is_compared_the_https_origin_of_a_plain_http_host_is_foreign() {
    let app = spawn_app().await;
    let (tokens, _) = logged_in(&app).await;
    let https = format!("https://127.0.0.1:{}", app.port);
    let http = format!("http://127.0.0.1:{}", app.port);

    let answer = refresh(&app, &tokens.refresh, &[("origin", &https)]).await;
    assert_error(answer, StatusCode::FORBIDDEN, "csrf_rejected").await;
    let answer = refresh(&app, &tokens.refresh, &[("origin", &http)]).await;
    assert_eq!(answer.status(), StatusCode::OK);
}

#[actix_web::test]
async fn behind_a_trusted_proxy_its_forwarded_host_and_scheme_are_the_origin() {
    // Every test client is 127.0.0.1, which this app takes for its proxy.
    let app = spawn_app_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
    })
    .await;
    let (tokens, _) = logged_in(&app).await;
    let proxied = |origin| {
        [
            ("x-forwarded-host", "photos.example"),
            ("x-forwarded-proto", "https"),
            ("origin", origin),
        ]
    };

    // The proxy says https: the browser's plain-http origin of the same host is not ours.
    let answer = refresh(&app, &tokens.refresh, &proxied("http://photos.example")).await;
    assert_error(answer, StatusCode::FORBIDDEN, "csrf_rejected").await;
    // The direct host no longer counts either: the proxy said where the browser went.
    let direct = format!("http://127.0.0.1:{}", app.port);
    let answer = refresh(&app, &tokens.refresh, &proxied(&direct)).await;
    assert_error(answer, StatusCode::FORBIDDEN, "csrf_rejected").await;
    let answer = refresh(&app, &tokens.refresh, &proxied("https://photos.example")).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let next = Tokens::from_body(answer.json().await.unwrap());
    let forwarded = [
        (
            "forwarded",
            "for=203.0.113.7;host=photos.example;proto=https",
        ),
        ("origin", "https://photos.example"),
    ];
    assert_eq!(
        logout_all(&app, &next, &forwarded).await.status(),
        StatusCode::NO_CONTENT
    );
}
