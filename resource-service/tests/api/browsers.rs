//! docs/COOKIES.md: the origin check on cookie-authenticated unsafe requests, and CORS.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_cookie_authenticated_write_from_a_foreign_origin_is_rejected() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("victim"));
    let cases = [
        ("origin", "https://evil.example"),
        ("referer", "https://evil.example/page"),
        ("sec-fetch-site", "cross-site"),
    ];
    for (header, value) in cases {
        let response = app
            .client
            .patch(app.url("/profile"))
            .header("cookie", format!("__Host-access_token={token}"))
            .header(header, value)
            .json(&json!({"bio": "pwned"}))
            .send()
            .await
            .unwrap();
        assert_error(response, StatusCode::FORBIDDEN, "csrf_rejected").await;
    }
    let profile = app.get_json("/profile", &token).await;
    assert_eq!(profile["bio"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_cookie_authenticated_write_from_an_allowed_origin_passes() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("friend"));
    let response = app
        .client
        .patch(app.url("/profile"))
        .header("cookie", format!("__Host-access_token={token}"))
        .header("origin", ALLOWED_ORIGIN)
        .json(&json!({"bio": "hello"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["bio"], "hello");
}

#[tokio::test]
async fn a_bearer_authenticated_write_is_not_subject_to_the_origin_check() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("api"));
    let response = app
        .patch_profile(&token, &json!({"bio": "from a script"}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .request(reqwest::Method::PATCH, "/profile", &token)
        .header("origin", "https://evil.example")
        .json(&json!({"bio": "still fine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn cors_preflight_allows_configured_origins_with_credentials() {
    let app = spawn_app().await;
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/photos"))
        .header("origin", ALLOWED_ORIGIN)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");
}

#[tokio::test]
async fn cors_gives_nothing_to_other_origins() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("someone"));
    let response = app
        .get("/whoami", &token)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}
