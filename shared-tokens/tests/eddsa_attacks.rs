//! EdDSA verification under attack (docs/TOKENS.md, Keys): a verifier holding only public keys
//! accepts exactly the tokens their private halves signed, with `alg` exactly `EdDSA`, and takes no
//! key from the token itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use shared_tokens::ed25519::PrivateKey;
use shared_tokens::jwks::Jwk;
use shared_tokens::token::{Rejection, TokenVerifier, ACCESS_TYP};
use shared_tokens::{now_unix, AccessClaims, Signer, VerifyingKeys};
use std::time::Duration;
use uuid::Uuid;

struct Keys {
    ours: PrivateKey,
    previous: PrivateKey,
    attacker: PrivateKey,
}

fn keys() -> Keys {
    Keys {
        ours: PrivateKey::generate().unwrap(),
        previous: PrivateKey::generate().unwrap(),
        attacker: PrivateKey::generate().unwrap(),
    }
}

/// A verifier as resource-service builds it in EdDSA mode: public keys only.
fn verifier(keys: &Keys) -> TokenVerifier {
    TokenVerifier::new(
        ACCESS_TYP,
        VerifyingKeys::ed25519([keys.ours.public().clone(), keys.previous.public().clone()]),
        "auth-service",
        "resource-service",
        Duration::from_secs(900),
        Duration::from_secs(30),
    )
}

fn claims() -> Value {
    let now = now_unix();
    json!({
        "iss": "auth-service", "aud": "resource-service",
        "sub": Uuid::new_v4(), "sid": Uuid::new_v4(), "jti": Uuid::new_v4(),
        "iat": now, "exp": now + 900,
        "username": "mallory", "email": "m@example.com", "name": "M", "roles": ["admin"],
    })
}

fn b64(value: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(value)
}

/// `header.claims` signed by `sign`, all built by hand.
fn forge(header: &Value, sign: impl FnOnce(&[u8]) -> Vec<u8>) -> String {
    let message = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims().to_string().as_bytes())
    );
    let signature = sign(message.as_bytes());
    format!("{message}.{}", b64(&signature))
}

fn hmac(key: &[u8]) -> impl FnOnce(&[u8]) -> Vec<u8> + '_ {
    move |message| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
}

fn ed25519(key: &PrivateKey) -> impl FnOnce(&[u8]) -> Vec<u8> + '_ {
    move |message| key.sign(message).to_vec()
}

fn verify(keys: &Keys, token: &str) -> Result<AccessClaims, Rejection> {
    verifier(keys).verify(token)
}

#[test]
fn tokens_signed_by_the_current_or_a_previous_key_verify() {
    let keys = keys();
    for key in [&keys.ours, &keys.previous] {
        let token = Signer::Ed25519(key.clone())
            .sign(ACCESS_TYP, &claims())
            .unwrap();
        assert!(verify(&keys, &token).is_ok());
    }
}

#[test]
fn an_hs256_token_keyed_with_the_public_key_is_refused() {
    let keys = keys();
    let public = keys.ours.public();
    let header = json!({"alg": "HS256", "typ": ACCESS_TYP, "kid": public.kid()});
    let raw = URL_SAFE_NO_PAD.decode(public.x()).unwrap();
    // Every form in which a library might have held "the key": PEM text, raw bytes, the JWK's x.
    for key in [public.to_pem().into_bytes(), raw, public.x().into_bytes()] {
        let token = forge(&header, hmac(&key));
        assert_eq!(
            verify(&keys, &token).unwrap_err(),
            Rejection::WrongAlgorithm
        );
    }
}

#[test]
fn alg_must_be_exactly_eddsa() {
    let keys = keys();
    for alg in [
        "none", "eddsa", "EDDSA", "Ed25519", "ES256", "RS256", "HS256", "",
    ] {
        let header = json!({"alg": alg, "typ": ACCESS_TYP, "kid": keys.ours.kid()});
        let token = forge(&header, ed25519(&keys.ours));
        assert_eq!(
            verify(&keys, &token).unwrap_err(),
            Rejection::WrongAlgorithm,
            "{alg}"
        );
    }
    let unsigned = format!(
        "{}.{}.",
        b64(
            json!({"alg": "none", "typ": ACCESS_TYP, "kid": keys.ours.kid()})
                .to_string()
                .as_bytes()
        ),
        b64(claims().to_string().as_bytes())
    );
    assert_eq!(
        verify(&keys, &unsigned).unwrap_err(),
        Rejection::WrongAlgorithm
    );
}

#[test]
fn keys_named_in_the_header_are_never_used() {
    let keys = keys();
    let attacker_jwk = serde_json::to_value(Jwk::from(keys.attacker.public())).unwrap();
    for (member, value) in [
        ("jwk", attacker_jwk),
        ("jku", json!("https://evil.example/jwks.json")),
        ("x5u", json!("https://evil.example/cert.pem")),
        ("x5c", json!(["MIIBszCCAVmgAwIBAgIU"])),
    ] {
        // Naming the attacker's key: not one of ours.
        let mut header = json!({"alg": "EdDSA", "typ": ACCESS_TYP, "kid": keys.attacker.kid()});
        header[member] = value.clone();
        let token = forge(&header, ed25519(&keys.attacker));
        assert_eq!(
            verify(&keys, &token).unwrap_err(),
            Rejection::UnknownKey,
            "{member}"
        );
        // Naming our key but signed by the attacker's: our key decides.
        let mut header = json!({"alg": "EdDSA", "typ": ACCESS_TYP, "kid": keys.ours.kid()});
        header[member] = value;
        let token = forge(&header, ed25519(&keys.attacker));
        assert_eq!(
            verify(&keys, &token).unwrap_err(),
            Rejection::BadSignature,
            "{member}"
        );
    }
}

#[test]
fn another_key_under_our_kid_is_refused() {
    let keys = keys();
    let header = json!({"alg": "EdDSA", "typ": ACCESS_TYP, "kid": keys.ours.kid()});
    let token = forge(&header, ed25519(&keys.attacker));
    assert_eq!(verify(&keys, &token).unwrap_err(), Rejection::BadSignature);
    // The previous key's signature under the current key's kid: refused too.
    let token = forge(&header, ed25519(&keys.previous));
    assert_eq!(verify(&keys, &token).unwrap_err(), Rejection::BadSignature);
}

#[test]
fn truncated_padded_and_malleated_signatures_are_refused() {
    let keys = keys();
    let header = json!({"alg": "EdDSA", "typ": ACCESS_TYP, "kid": keys.ours.kid()});
    let good = forge(&header, ed25519(&keys.ours));
    assert!(verify(&keys, &good).is_ok());
    let (message, signature) = good.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();

    let mut variants = vec![signature[..63].to_vec(), [&signature[..], &[0]].concat()];
    // S + L, the group order: the same signature to a lax verifier, a forgery to a strict one.
    let order: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut malleated = signature.clone();
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = malleated[32 + i] as u16 + order[i] as u16 + carry;
        malleated[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    variants.push(malleated);
    for forged in variants {
        let token = format!("{message}.{}", b64(&forged));
        assert_eq!(verify(&keys, &token).unwrap_err(), Rejection::BadSignature);
    }
}

#[test]
fn an_eddsa_token_is_refused_by_a_shared_secret_verifier_and_the_reverse() {
    let keys = keys();
    let secret = shared_tokens::Secret::parse(&"s".repeat(40)).unwrap();
    let ring = shared_tokens::KeyRing::new(&secret, &[]);
    let hs256 = TokenVerifier::new(
        ACCESS_TYP,
        VerifyingKeys::Hs256(ring.clone()),
        "auth-service",
        "resource-service",
        Duration::from_secs(900),
        Duration::from_secs(30),
    );
    let eddsa_token = Signer::Ed25519(keys.ours.clone())
        .sign(ACCESS_TYP, &claims())
        .unwrap();
    assert_eq!(
        hs256.verify::<AccessClaims>(&eddsa_token).unwrap_err(),
        Rejection::WrongAlgorithm
    );
    let hs256_token = Signer::Hs256(ring).sign(ACCESS_TYP, &claims()).unwrap();
    assert_eq!(
        verify(&keys, &hs256_token).unwrap_err(),
        Rejection::WrongAlgorithm
    );
}
