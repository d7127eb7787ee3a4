//! `JWKS_URL` (docs/TOKENS.md, Keys): keys fetched at start and on an unknown `kid`, at most once
//! per `JWKS_MIN_REFETCH_INTERVAL` however many requests carry one, never per request; and
//! verification that goes on while the JWKS server is down.

use crate::helpers::{spawn_app_with, TestApp, TestUser};
use actix_web::{web, App, HttpResponse, HttpServer};
use futures_util::future::join_all;
use reqwest::StatusCode;
use shared_tokens::ed25519::{PrivateKey, PublicKey};
use shared_tokens::jwks::JwkSet;
use shared_tokens::{Signer, ACCESS_TYP};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A JWKS server whose keys the test changes, counting the documents it serves.
#[derive(Default)]
struct FakeIssuer {
    keys: Mutex<Vec<PublicKey>>,
    fetches: AtomicUsize,
}

impl FakeIssuer {
    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    fn publish(&self, key: &PrivateKey) {
        self.keys.lock().unwrap().push(key.public().clone());
    }
}

async fn document(issuer: web::Data<FakeIssuer>) -> HttpResponse {
    issuer.fetches.fetch_add(1, Ordering::SeqCst);
    let keys = issuer.keys.lock().unwrap().clone();
    HttpResponse::Ok().json(JwkSet::of(&keys))
}

/// Starts the JWKS server; returns its URL and the handle that stops it.
fn serve(issuer: web::Data<FakeIssuer>) -> (String, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(issuer.clone())
            .route("/jwks.json", web::get().to(document))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (url, handle)
}

async fn statuses(app: &TestApp, token: &str, times: usize) -> Vec<StatusCode> {
    let calls =
        (0..times).map(|_| async { app.get("/whoami", token).send().await.unwrap().status() });
    join_all(calls).await
}

fn token(app: &TestApp, key: &PrivateKey) -> String {
    let claims = app.claims(&TestUser::new("rotating"));
    Signer::Ed25519(key.clone())
        .sign(ACCESS_TYP, &claims)
        .unwrap()
}

#[tokio::test]
async fn keys_come_from_the_jwks_url_at_start_and_on_an_unknown_kid_only() {
    let (first, second, never) = (
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
    );
    let issuer = web::Data::new(FakeIssuer::default());
    issuer.publish(&first);
    let (url, jwks_server) = serve(issuer.clone());
    let app = spawn_app_with(&[
        ("ACCESS_TOKEN_ALG", "EdDSA"),
        ("JWKS_URL", &url),
        ("JWKS_MIN_REFETCH_INTERVAL", "2s"),
    ])
    .await;
    assert_eq!(issuer.fetches(), 1, "fetched once at start");

    // Known keys verify locally: 30 requests, no fetch.
    let statuses_now = statuses(&app, &token(&app, &first), 30).await;
    assert!(
        statuses_now.iter().all(|s| *s == StatusCode::OK),
        "{statuses_now:?}"
    );
    assert_eq!(issuer.fetches(), 1, "never a fetch per request");

    // The issuer rotates: 20 requests at once with the new kid cause one fetch, and all pass.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    issuer.publish(&second);
    let rotated = statuses(&app, &token(&app, &second), 20).await;
    assert!(rotated.iter().all(|s| *s == StatusCode::OK), "{rotated:?}");
    assert_eq!(issuer.fetches(), 2, "one fetch for twenty requests");

    // A kid nobody publishes, right after: refused without a fetch (the interval has not
    // passed), however many requests carry it.
    let forged = statuses(&app, &token(&app, &never), 50).await;
    assert!(
        forged.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{forged:?}"
    );
    assert_eq!(issuer.fetches(), 2, "unknown kids are rate-limited");

    // The JWKS server goes away: tokens of keys already fetched still verify.
    jwks_server.stop(true).await;
    for key in [&first, &second] {
        let offline = statuses(&app, &token(&app, key), 5).await;
        assert!(offline.iter().all(|s| *s == StatusCode::OK), "{offline:?}");
    }
    // Once the interval has passed, an unknown kid tries again, fails, and keeps the keys.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let forged = statuses(&app, &token(&app, &never), 3).await;
    assert!(
        forged.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{forged:?}"
    );
    let kept = statuses(&app, &token(&app, &second), 3).await;
    assert!(kept.iter().all(|s| *s == StatusCode::OK), "{kept:?}");
}

#[tokio::test]
async fn configured_public_keys_verify_beside_the_fetched_ones_and_without_the_server() {
    let (configured, published) = (
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
    );
    // Nothing listens at this URL: the start fetch fails, and the service starts anyway.
    let dead = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/jwks.json", listener.local_addr().unwrap())
    };
    let public = configured.public().to_pem();
    let app = spawn_app_with(&[
        ("ACCESS_TOKEN_ALG", "EdDSA"),
        ("ACCESS_TOKEN_PUBLIC_KEYS", &public),
        ("JWKS_URL", &dead),
    ])
    .await;
    let ok = statuses(&app, &token(&app, &configured), 3).await;
    assert!(ok.iter().all(|s| *s == StatusCode::OK), "{ok:?}");
    let unknown = statuses(&app, &token(&app, &published), 3).await;
    assert!(
        unknown.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{unknown:?}"
    );
}
