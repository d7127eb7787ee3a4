//! The two sides of a token's keys, as separate types: [`VerifyingKeys`] check signatures and
//! cannot make one, [`Signer`] makes them. A verifier in EdDSA mode is built from public keys
//! only, so no code path there could sign (docs/TOKENS.md, Keys).

use crate::ed25519::{PrivateKey, PublicKey};
use crate::keys::{Key, KeyRing};
use crate::token::Rejection;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeSliceError, Engine};
use jsonwebtoken::{Algorithm, Header};
use serde::Serialize;
use std::fmt;

pub const HS256: &str = "HS256";
pub const EDDSA: &str = "EdDSA";

/// Signing failed: only a programming error (claims that do not serialise) can cause it.
#[derive(Debug, thiserror::Error)]
#[error("could not sign token: {0}")]
pub struct SignError(String);

impl From<jsonwebtoken::errors::Error> for SignError {
    fn from(error: jsonwebtoken::errors::Error) -> Self {
        Self(error.to_string())
    }
}

/// The keys that verify one kind of token, all of one algorithm: the `alg` a token must carry.
#[derive(Clone)]
pub enum VerifyingKeys {
    Hs256(KeyRing),
    Ed25519(Vec<PublicKey>),
}

impl VerifyingKeys {
    /// Ed25519 public keys, the first of each `kid` kept.
    pub fn ed25519(keys: impl IntoIterator<Item = PublicKey>) -> Self {
        let mut unique: Vec<PublicKey> = Vec::new();
        for key in keys {
            if unique.iter().all(|k| k.kid() != key.kid()) {
                unique.push(key);
            }
        }
        Self::Ed25519(unique)
    }

    /// The one `alg` accepted.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::Hs256(_) => HS256,
            Self::Ed25519(_) => EDDSA,
        }
    }

    pub fn kids(&self) -> Vec<&str> {
        match self {
            Self::Hs256(ring) => ring.kids().collect(),
            Self::Ed25519(keys) => keys.iter().map(PublicKey::kid).collect(),
        }
    }

    /// The keys a JWKS document may publish: none for a shared secret.
    pub fn public_keys(&self) -> &[PublicKey] {
        match self {
            Self::Hs256(_) => &[],
            Self::Ed25519(keys) => keys,
        }
    }

    /// Checks `signature` (base64url) over `message` with the key named `kid`.
    pub(crate) fn check(&self, kid: &str, message: &str, signature: &str) -> Result<(), Rejection> {
        let genuine = match self {
            Self::Hs256(ring) => {
                let key = ring.find(kid).ok_or(Rejection::UnknownKey)?;
                jsonwebtoken::crypto::verify(
                    signature,
                    message.as_bytes(),
                    key.decoding(),
                    Algorithm::HS256,
                )
                .map_err(|_| Rejection::Malformed)?
            }
            Self::Ed25519(keys) => {
                let key = keys
                    .iter()
                    .find(|k| k.kid() == kid)
                    .ok_or(Rejection::UnknownKey)?;
                // Decoded on the stack: a signature longer than 64 bytes cannot be one.
                let mut bytes = [0u8; 64];
                match URL_SAFE_NO_PAD.decode_slice(signature, &mut bytes) {
                    Ok(len) => key.verify(message.as_bytes(), &bytes[..len]),
                    Err(DecodeSliceError::OutputSliceTooSmall) => false,
                    Err(DecodeSliceError::DecodeError(_)) => return Err(Rejection::Malformed),
                }
            }
        };
        if genuine {
            Ok(())
        } else {
            Err(Rejection::BadSignature)
        }
    }
}

impl fmt::Debug for VerifyingKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKeys")
            .field("alg", &self.algorithm())
            .field("kids", &self.kids())
            .finish()
    }
}

/// What signs one kind of token: a ring of shared secrets (the current one signs), or the
/// Ed25519 private key.
#[derive(Clone)]
pub enum Signer {
    Hs256(KeyRing),
    Ed25519(PrivateKey),
}

impl Signer {
    /// The `kid` stamped on what [`Self::sign`] signs now.
    pub fn kid(&self) -> &str {
        match self {
            Self::Hs256(ring) => ring.current().kid(),
            Self::Ed25519(key) => key.kid(),
        }
    }

    /// The keys that verify what this signs, plus `previous` (Ed25519 only; a secret ring
    /// carries its previous secrets itself).
    pub fn verifying_keys(&self, previous: &[PublicKey]) -> VerifyingKeys {
        match self {
            Self::Hs256(ring) => VerifyingKeys::Hs256(ring.clone()),
            Self::Ed25519(key) => VerifyingKeys::ed25519(
                std::iter::once(key.public().clone()).chain(previous.iter().cloned()),
            ),
        }
    }

    /// Signs `claims` with the current key, stamping `typ` and `kid` in the header.
    pub fn sign<C: Serialize>(&self, typ: &str, claims: &C) -> Result<String, SignError> {
        match self {
            Self::Hs256(ring) => sign_hs256(ring.current(), typ, claims),
            Self::Ed25519(key) => sign_ed25519(key, typ, claims),
        }
    }

    /// Signs `claims` with the key `kid`, current or previous; `None` when this signer no
    /// longer holds that key. The same claims and key give the same token.
    pub fn sign_with_kid<C: Serialize>(
        &self,
        kid: &str,
        typ: &str,
        claims: &C,
    ) -> Result<Option<String>, SignError> {
        match self {
            Self::Hs256(ring) => match ring.find(kid) {
                Some(key) => sign_hs256(key, typ, claims).map(Some),
                None => Ok(None),
            },
            Self::Ed25519(key) if key.kid() == kid => sign_ed25519(key, typ, claims).map(Some),
            Self::Ed25519(_) => Ok(None),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hs256(ring) => f.debug_tuple("Signer::Hs256").field(ring).finish(),
            Self::Ed25519(key) => f.debug_tuple("Signer::Ed25519").field(key).finish(),
        }
    }
}

fn header(alg: Algorithm, typ: &str, kid: &str) -> Header {
    let mut header = Header::new(alg);
    header.typ = Some(typ.to_owned());
    header.kid = Some(kid.to_owned());
    header
}

fn sign_hs256<C: Serialize>(key: &Key, typ: &str, claims: &C) -> Result<String, SignError> {
    let header = header(Algorithm::HS256, typ, key.kid());
    Ok(jsonwebtoken::encode(&header, claims, key.encoding())?)
}

/// JWS compact serialisation (RFC 7515 section 7.1) signed by `ed25519-dalek` directly:
/// jsonwebtoken would decode the PKCS#8 key again for every token.
fn sign_ed25519<C: Serialize>(
    key: &PrivateKey,
    typ: &str,
    claims: &C,
) -> Result<String, SignError> {
    let header = header(Algorithm::EdDSA, typ, key.kid());
    let header = serde_json::to_vec(&header).map_err(|e| SignError(e.to_string()))?;
    let claims = serde_json::to_vec(claims).map_err(|e| SignError(e.to_string()))?;
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(claims, &mut token);
    let signature = key.sign(token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}
