//! `GET /.well-known/jwks.json` (docs/TOKENS.md, Keys): the public keys that verify access tokens,
//! in a form other people's JOSE libraries read, and never a secret.

use crate::helpers::{decode_jwt, spawn_app_with, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use shared_tokens::jwks::JwkSet;
use test_support::access_keys::{is_access_key_var, issuer_vars_in, Key, Mode};

async fn spawn_in(mode: Mode) -> TestApp {
    spawn_app_with(|vars| {
        vars.retain(|k, _| !is_access_key_var(k));
        vars.extend(
            issuer_vars_in(mode)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v)),
        );
    })
    .await
}

async fn jwks(app: &TestApp) -> (reqwest::header::HeaderMap, Value) {
    let response = app
        .client
        .get(format!("{}/.well-known/jwks.json", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

#[actix_web::test]
async fn eddsa_mode_publishes_the_current_and_previous_public_keys_under_their_thumbprints() {
    let app = spawn_in(Mode::EdDsa).await;
    let (headers, document) = jwks(&app).await;

    assert_eq!(headers["cache-control"], "public, max-age=300");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let keys = document["keys"].as_array().unwrap();
    let kids: Vec<&str> = keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert_eq!(
        kids,
        [Key::Current, Key::Previous].map(|k| k.private_key().kid())
    );
    for key in keys {
        assert_eq!(key["kty"], "OKP");
        assert_eq!(key["crv"], "Ed25519");
        assert_eq!(key["alg"], "EdDSA");
        assert_eq!(key["use"], "sig");
        let members: Vec<&String> = key.as_object().unwrap().keys().collect();
        assert_eq!(members, ["alg", "crv", "kid", "kty", "use", "x"], "no `d`");
    }
    let set: JwkSet = serde_json::from_value(document.clone()).unwrap();
    assert_eq!(
        set.ed25519_keys().unwrap().len(),
        2,
        "kids are the thumbprints"
    );

    // A login's access token names the current key.
    let user = app.register_user("alice").await;
    let tokens = app.login_as(&user).await;
    let (header, _) = decode_jwt(&tokens.access);
    assert_eq!(header["kid"], kids[0]);
    assert_eq!(header["alg"], "EdDSA");
}

#[actix_web::test]
async fn hs256_mode_publishes_no_key_since_the_secret_must_stay_secret() {
    let app = spawn_in(Mode::Hs256).await;
    let (_, document) = jwks(&app).await;
    assert_eq!(document, serde_json::json!({"keys": []}));
}
