//! The actix extractor: where the token may come from, and what each failure answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::StatusCode;
use actix_web::{test, web, App, HttpResponse};
use shared_tokens::config::{AccessConfig, CookieNames};
use shared_tokens::keys::Secret;
use shared_tokens::{now_unix, AccessClaims, AccessPolicy, Authenticated};
use std::time::Duration;
use uuid::Uuid;

fn config() -> AccessConfig {
    AccessConfig {
        secret: Secret::parse("extractor-test-secret-extractor-test-secret").unwrap(),
        previous_secrets: vec![],
        expiry: Duration::from_secs(900),
        issuer: "auth-service".into(),
        audience: "resource-service".into(),
        leeway: Duration::from_secs(30),
        allowed_origins: vec!["https://app.example.com".into()],
        cookies: CookieNames::for_mode(true),
    }
}

fn token(policy: &AccessPolicy) -> String {
    let now = now_unix();
    policy
        .profile
        .sign(&AccessClaims {
            iss: "auth-service".into(),
            aud: "resource-service".into(),
            sub: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            jti: Uuid::new_v4(),
            iat: now,
            exp: now + 900,
            username: "alice".into(),
            email: "alice@example.com".into(),
            name: "Alice".into(),
            roles: vec!["user".into()],
        })
        .unwrap()
}

async fn whoami(auth: Authenticated) -> HttpResponse {
    HttpResponse::Ok().body(auth.claims.username)
}

macro_rules! app {
    ($policy:expr) => {
        test::init_service(
            App::new()
                .app_data($policy.clone())
                .route("/w", web::get().to(whoami))
                .route("/w", web::post().to(whoami)),
        )
        .await
    };
}

#[actix_web::test]
async fn bearer_and_cookie_tokens_are_both_accepted() {
    let policy = web::Data::new(AccessPolicy::from_config(&config()));
    let app = app!(policy);
    let t = token(&policy);
    let req = test::TestRequest::get()
        .uri("/w")
        .insert_header(("authorization", format!("Bearer {t}")))
        .to_request();
    assert_eq!(test::call_service(&app, req).await.status(), StatusCode::OK);
    let req = test::TestRequest::get()
        .uri("/w")
        .insert_header(("cookie", format!("__Host-access_token={t}")))
        .to_request();
    assert_eq!(test::call_service(&app, req).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn no_credentials_is_401_with_a_bare_challenge() {
    let policy = web::Data::new(AccessPolicy::from_config(&config()));
    let app = app!(policy);
    let t = token(&policy);
    // A token in the query string does not count.
    let req = test::TestRequest::get()
        .uri(&format!("/w?access_token={t}"))
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers().get("www-authenticate").unwrap(), "Bearer");
}

#[actix_web::test]
async fn a_bad_token_is_401_invalid_token_with_the_error_in_the_challenge() {
    let policy = web::Data::new(AccessPolicy::from_config(&config()));
    let app = app!(policy);
    let req = test::TestRequest::get()
        .uri("/w")
        .insert_header(("authorization", "Bearer not.a.token"))
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        resp.headers().get("www-authenticate").unwrap(),
        "Bearer error=\"invalid_token\""
    );
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["error"], "invalid_token");
}

#[actix_web::test]
async fn two_different_tokens_are_400() {
    let policy = web::Data::new(AccessPolicy::from_config(&config()));
    let app = app!(policy);
    let (a, b) = (token(&policy), token(&policy));
    let req = test::TestRequest::get()
        .uri("/w")
        .insert_header(("authorization", format!("Bearer {a}")))
        .insert_header(("cookie", format!("__Host-access_token={b}")))
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["error"], "invalid_request");
}

#[actix_web::test]
async fn cookie_posts_from_a_foreign_origin_are_403_but_bearer_posts_are_not() {
    let policy = web::Data::new(AccessPolicy::from_config(&config()));
    let app = app!(policy);
    let t = token(&policy);
    let req = test::TestRequest::post()
        .uri("/w")
        .insert_header(("cookie", format!("__Host-access_token={t}")))
        .insert_header(("origin", "https://evil.example"))
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["error"], "csrf_rejected");

    let req = test::TestRequest::post()
        .uri("/w")
        .insert_header(("authorization", format!("Bearer {t}")))
        .insert_header(("origin", "https://evil.example"))
        .to_request();
    assert_eq!(test::call_service(&app, req).await.status(), StatusCode::OK);

    let req = test::TestRequest::post()
        .uri("/w")
        .insert_header(("cookie", format!("__Host-access_token={t}")))
        .insert_header(("origin", "https://app.example.com"))
        .to_request();
    assert_eq!(test::call_service(&app, req).await.status(), StatusCode::OK);
}
