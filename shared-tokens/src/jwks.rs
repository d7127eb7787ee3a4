//! The JWK Set document (RFC 7517) of `GET /.well-known/jwks.json`: written by auth-service from
//! the public keys that verify, read by a verifier with `JWKS_URL` (docs/TOKENS.md, Keys).

use crate::ed25519::PublicKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// More keys than any rotation needs: a document with more is refused whole.
pub const MAX_KEYS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// One public key. Only Ed25519 keys (`kty` OKP, `crv` Ed25519) are written; other members a
/// document may carry are ignored when it is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Jwk {
    #[schema(example = "OKP")]
    pub kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Ed25519")]
    pub crv: Option<String>,
    /// The public key, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// The RFC 7638 thumbprint; access tokens name their key with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "EdDSA")]
    pub alg: Option<String>,
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "sig")]
    pub use_: Option<String>,
}

impl From<&PublicKey> for Jwk {
    fn from(key: &PublicKey) -> Self {
        Self {
            kty: "OKP".into(),
            crv: Some("Ed25519".into()),
            x: Some(key.x()),
            kid: Some(key.kid().to_owned()),
            alg: Some("EdDSA".into()),
            use_: Some("sig".into()),
        }
    }
}

impl JwkSet {
    pub fn of(keys: &[PublicKey]) -> Self {
        Self {
            keys: keys.iter().map(Jwk::from).collect(),
        }
    }

    /// The Ed25519 signing keys of the document. Keys of other types or uses are skipped (a
    /// document may list keys for others); an Ed25519 key whose `kid` is not its thumbprint is
    /// refused, since our tokens name keys by thumbprint and a mismatch means a broken issuer.
    pub fn ed25519_keys(&self) -> Result<Vec<PublicKey>, String> {
        if self.keys.len() > MAX_KEYS {
            return Err(format!("more than {MAX_KEYS} keys"));
        }
        let mut keys = Vec::new();
        for jwk in &self.keys {
            let is_ours = jwk.kty == "OKP"
                && jwk.crv.as_deref() == Some("Ed25519")
                && jwk.use_.as_deref().is_none_or(|u| u == "sig")
                && jwk.alg.as_deref().is_none_or(|a| a == "EdDSA");
            if !is_ours {
                continue;
            }
            let x = jwk.x.as_deref().ok_or("an Ed25519 key without x")?;
            let bytes: [u8; 32] = URL_SAFE_NO_PAD
                .decode(x)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or("an Ed25519 key whose x is not 32 bytes of base64url")?;
            let key = PublicKey::from_bytes(&bytes)?;
            if jwk.kid.as_deref().is_some_and(|kid| kid != key.kid()) {
                return Err(format!("key {x}: its kid is not its RFC 7638 thumbprint"));
            }
            keys.push(key);
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ed25519::PrivateKey;
    use serde_json::json;

    #[test]
    fn a_written_document_reads_back_as_the_same_keys() {
        let keys = vec![
            PrivateKey::generate().unwrap().public().clone(),
            PrivateKey::generate().unwrap().public().clone(),
        ];
        let text = serde_json::to_string(&JwkSet::of(&keys)).unwrap();
        assert!(!text.contains("\"d\""), "no private member: {text}");
        let back: JwkSet = serde_json::from_str(&text).unwrap();
        assert_eq!(back.ed25519_keys().unwrap(), keys);
    }

    #[test]
    fn other_key_types_are_skipped_and_wrong_kids_refused() {
        let key = PrivateKey::generate().unwrap().public().clone();
        let document = json!({"keys": [
            {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "rsa"},
            {"kty": "OKP", "crv": "X25519", "x": key.x()},
            {"kty": "OKP", "crv": "Ed25519", "x": key.x(), "use": "enc"},
            {"kty": "OKP", "crv": "Ed25519", "x": key.x()},
        ]});
        let set: JwkSet = serde_json::from_value(document).unwrap();
        assert_eq!(set.ed25519_keys().unwrap(), vec![key.clone()]);

        let lying = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": key.x(), "kid": "a"}]});
        let set: JwkSet = serde_json::from_value(lying).unwrap();
        assert!(set.ed25519_keys().is_err());
    }
}
