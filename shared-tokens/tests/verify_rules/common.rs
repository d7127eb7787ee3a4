//! The secrets, profiles and forging helpers every module of this binary builds its tokens with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use shared_tokens::keys::{KeyRing, Secret};
use shared_tokens::token::{Rejection, TokenProfile, ACCESS_TYP, REFRESH_TYP};
use shared_tokens::AccessClaims;
use std::time::Duration;
use uuid::Uuid;

pub(crate) const ACCESS_SECRET: &str = "access-secret-access-secret-access-secret";
pub(crate) const OLD_ACCESS_SECRET: &str = "old-access-secret-old-access-secret-0000";
const REFRESH_SECRET: &str = "refresh-secret-refresh-secret-refresh-secret";
pub(crate) const LIFETIME: u64 = 900;
const LEEWAY: u64 = 30;

pub(crate) fn secret(s: &str) -> Secret {
    Secret::parse(s).unwrap()
}

pub(crate) fn access_profile() -> TokenProfile {
    TokenProfile::new(
        ACCESS_TYP,
        KeyRing::new(&secret(ACCESS_SECRET), &[secret(OLD_ACCESS_SECRET)]),
        "auth-service",
        "resource-service",
        Duration::from_secs(LIFETIME),
        Duration::from_secs(LEEWAY),
    )
}

pub(crate) fn refresh_profile() -> TokenProfile {
    TokenProfile::new(
        REFRESH_TYP,
        KeyRing::new(&secret(REFRESH_SECRET), &[]),
        "auth-service",
        "auth-service",
        Duration::from_secs(7 * 86_400),
        Duration::from_secs(LEEWAY),
    )
}

pub(crate) fn claims_json(now: i64) -> Value {
    json!({
        "iss": "auth-service", "aud": "resource-service",
        "sub": Uuid::new_v4(), "sid": Uuid::new_v4(), "jti": Uuid::new_v4(),
        "iat": now, "exp": now + LIFETIME as i64,
        "username": "alice", "email": "alice@example.com", "name": "Alice", "roles": ["user"],
    })
}

pub(crate) fn header(alg: Algorithm, typ: &str, kid: &str) -> Header {
    let mut h = Header::new(alg);
    h.typ = Some(typ.into());
    h.kid = Some(kid.into());
    h
}

/// Signs arbitrary claims with an arbitrary header and secret.
pub(crate) fn forge(header: &Header, claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

pub(crate) fn access_kid() -> String {
    secret(ACCESS_SECRET).kid()
}

pub(crate) fn good_header() -> Header {
    header(Algorithm::HS256, ACCESS_TYP, &access_kid())
}

pub(crate) fn verify(token: &str) -> Result<AccessClaims, Rejection> {
    access_profile().verify(token)
}

pub(crate) fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

pub(crate) fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().unwrap().remove(key);
    claims
}

/// A token signed by hand from raw header and payload JSON (our own parser, not jsonwebtoken's
/// serialiser, decides what they mean).
pub(crate) fn forge_raw(header_json: &str, payload_json: &str, secret: &str) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header_json),
        URL_SAFE_NO_PAD.encode(payload_json)
    );
    let key = EncodingKey::from_secret(secret.as_bytes());
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{message}.{signature}")
}
