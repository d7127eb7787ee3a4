//! The key and the signature (docs/TOKENS.md, Verification, rules 6 and 7): the `kid` must name a
//! key of the ring, previous secrets included; `jku`, `jwk` and `x5u` are never followed; a payload
//! changed after signing fails the signature.

use crate::common::{
    claims_json, forge, good_header, header, secret, verify, with, ACCESS_SECRET, OLD_ACCESS_SECRET,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::Algorithm;
use serde_json::json;
use shared_tokens::now_unix;
use shared_tokens::token::{Rejection, ACCESS_TYP};

#[test]
fn a_token_signed_with_a_previous_secret_still_verifies() {
    let kid = secret(OLD_ACCESS_SECRET).kid();
    let token = forge(
        &header(Algorithm::HS256, ACCESS_TYP, &kid),
        &claims_json(now_unix()),
        OLD_ACCESS_SECRET,
    );
    assert!(verify(&token).is_ok());
}

#[test]
fn the_key_comes_only_from_the_ring_never_from_jku_or_jwk() {
    let attacker = "attacker-secret-attacker-secret-attacker";
    let mut h = header(Algorithm::HS256, ACCESS_TYP, &secret(attacker).kid());
    h.jku = Some("https://evil.example/jwks.json".into());
    h.x5u = Some("https://evil.example/cert.pem".into());
    let token = forge(&h, &claims_json(now_unix()), attacker);
    assert_eq!(verify(&token).unwrap_err(), Rejection::UnknownKey);
    // Our own kid but the attacker's signature: the signature decides.
    let mut h = good_header();
    h.jku = Some("https://evil.example/jwks.json".into());
    let token = forge(&h, &claims_json(now_unix()), attacker);
    assert_eq!(verify(&token).unwrap_err(), Rejection::BadSignature);
}

#[test]
fn a_missing_kid_is_refused() {
    let mut h = good_header();
    h.kid = None;
    let token = forge(&h, &claims_json(now_unix()), ACCESS_SECRET);
    assert_eq!(verify(&token).unwrap_err(), Rejection::MissingKeyId);
}

#[test]
fn a_tampered_payload_is_refused() {
    let token = forge(&good_header(), &claims_json(now_unix()), ACCESS_SECRET);
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let forged = with(claims_json(now_unix()), "roles", json!(["user", "admin"]));
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
    assert_eq!(
        verify(&parts.join(".")).unwrap_err(),
        Rejection::BadSignature
    );
}
