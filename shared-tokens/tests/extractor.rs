//! The actix extractor: where the token may come from, and what each failure answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::StatusCode;
use actix_web::{test, web, App, HttpResponse};
use shared_tokens::config::{AccessConfig, CookieNames};
use shared_tokens::ed25519::{PrivateKey, PublicKey};
use shared_tokens::extract::KeyRefetch;
use shared_tokens::keys::Secret;
use shared_tokens::{
    now_unix, AccessClaims, AccessKeys, AccessPolicy, Authenticated, Signer, VerifyingKeys,
    ACCESS_TYP,
};
use std::time::Duration;
use uuid::Uuid;

fn config() -> AccessConfig {
    AccessConfig {
        keys: AccessKeys::Hs256 {
            secret: Secret::parse("extractor-test-secret-extractor-test-secret").unwrap(),
            previous: vec![],
        },
        expiry: Duration::from_secs(900),
        issuer: "auth-service".into(),
        audience: "resource-service".into(),
        leeway: Duration::from_secs(30),
        allowed_origins: vec!["https://app.example.com".into()],
        trusted_proxies: Default::default(),
        cookies: CookieNames::for_mode(true),
        reauth_window: shared_tokens::ReauthWindow::new(Duration::from_secs(600)),
    }
}

fn token(_policy: &AccessPolicy) -> String {
    signed_by(&config().keys.signer().unwrap())
}

fn signed_by(signer: &Signer) -> String {
    let now = now_unix();
    signer
        .sign(
            ACCESS_TYP,
            &AccessClaims {
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
                email_verified: true,
                auth_time: Some(now),
            },
        )
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

/// Counts its calls; on the first it installs the key it holds, as a JWKS fetch would.
struct InstallOnce {
    calls: std::sync::atomic::AtomicUsize,
    slot: std::sync::Arc<arc_swap::ArcSwap<VerifyingKeys>>,
    key: PublicKey,
}

impl KeyRefetch for InstallOnce {
    fn refetch(&self) -> futures_util::future::LocalBoxFuture<'_, ()> {
        Box::pin(async move {
            let calls = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if calls == 0 {
                self.slot
                    .store(std::sync::Arc::new(VerifyingKeys::ed25519([self
                        .key
                        .clone()])));
            }
        })
    }
}

#[actix_web::test]
async fn an_unknown_kid_asks_for_keys_once_then_verifies_again_and_other_failures_do_not() {
    let (held, new) = (
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
    );
    let mut config = config();
    config.keys = AccessKeys::Ed25519Verifying {
        public: vec![held.public().clone()],
        jwks_url: None,
    };
    let policy = AccessPolicy::from_config(&config);
    let refetch = std::sync::Arc::new(InstallOnce {
        calls: Default::default(),
        slot: policy.verifier.key_slot(),
        key: new.public().clone(),
    });
    let policy = web::Data::new(policy.with_refetch(refetch.clone()));
    let app = app!(policy);
    let calls = || refetch.calls.load(std::sync::atomic::Ordering::SeqCst);
    let call = |token: String| {
        test::TestRequest::get()
            .uri("/w")
            .insert_header(("authorization", format!("Bearer {token}")))
            .to_request()
    };

    let good = signed_by(&Signer::Ed25519(held.clone()));
    assert_eq!(
        test::call_service(&app, call(good)).await.status(),
        StatusCode::OK
    );
    assert_eq!(calls(), 0, "a known key fetches nothing");

    // A bad signature under a known kid is not a reason to fetch.
    let (message, _) = signed_by(&Signer::Ed25519(held.clone()))
        .rsplit_once('.')
        .map(|(m, s)| (m.to_owned(), s.to_owned()))
        .unwrap();
    let forged = format!("{message}.{}", "A".repeat(86));
    let status = test::call_service(&app, call(forged)).await.status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls(), 0);

    let rotated = signed_by(&Signer::Ed25519(new));
    assert_eq!(
        test::call_service(&app, call(rotated.clone()))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        calls(),
        1,
        "the unknown kid fetched keys once, then verified"
    );
    assert_eq!(
        test::call_service(&app, call(rotated)).await.status(),
        StatusCode::OK
    );
    assert_eq!(calls(), 1, "now it is known");
}
