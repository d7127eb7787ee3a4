//! Signing secrets and the key ring: the current secret signs, previous ones still verify, and
//! each key's `kid` is derived from its secret so nobody has to invent ids.

use jsonwebtoken::{DecodingKey, EncodingKey};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::fmt;

/// The shortest secret accepted: 256 bits for HS256.
pub const MIN_SECRET_BYTES: usize = 32;

/// A signing secret. It never prints (`secrecy` redacts its `Debug`), so it cannot end up in a log
/// by accident, and its memory is wiped when it is dropped.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Accepts a secret of at least [`MIN_SECRET_BYTES`] bytes (surrounding spaces are dropped).
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "a secret of at least {MIN_SECRET_BYTES} bytes (got {})",
                value.len()
            ));
        }
        Ok(Self(SecretString::from(value)))
    }

    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }

    /// First 16 hex digits of the secret's SHA-256: identifies the key without revealing it.
    pub fn kid(&self) -> String {
        let digest = Sha256::digest(self.expose());
        hex::encode(&digest[..8])
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Secret").field(&self.0).finish()
    }
}

/// Two secrets are equal when their bytes are (configuration checks, such as refusing a refresh
/// secret equal to an access secret, compare them).
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

#[derive(Clone)]
pub struct Key {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Key {
    fn new(secret: &Secret) -> Self {
        Self {
            kid: secret.kid(),
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
        }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub(crate) fn encoding(&self) -> &EncodingKey {
        &self.encoding
    }

    pub(crate) fn decoding(&self) -> &DecodingKey {
        &self.decoding
    }
}

/// The current key first, then the previous ones that still verify.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<Key>,
}

impl KeyRing {
    pub fn new(current: &Secret, previous: &[Secret]) -> Self {
        let mut keys = vec![Key::new(current)];
        for secret in previous {
            let key = Key::new(secret);
            if keys.iter().all(|k| k.kid != key.kid) {
                keys.push(key);
            }
        }
        Self { keys }
    }

    pub fn current(&self) -> &Key {
        &self.keys[0]
    }

    pub fn find(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.kid == kid)
    }

    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.kid.as_str())
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("kids", &self.kids().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_refused() {
        assert!(Secret::parse("too-short").is_err());
        assert!(Secret::parse(&"x".repeat(31)).is_err());
        assert!(Secret::parse(&"x".repeat(32)).is_ok());
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let secret = Secret::parse("a-very-secret-value-that-is-long-enough").unwrap();
        assert!(!format!("{secret:?}").contains("very-secret"));
    }

    #[test]
    fn kid_is_sixteen_hex_digits_and_stable() {
        let secret = Secret::parse(&"k".repeat(40)).unwrap();
        assert_eq!(secret.kid().len(), 16);
        assert!(secret.kid().chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(secret.kid(), Secret::parse(&"k".repeat(40)).unwrap().kid());
    }

    #[test]
    fn ring_finds_current_and_previous_keys() {
        let current = Secret::parse(&"c".repeat(32)).unwrap();
        let old = Secret::parse(&"o".repeat(32)).unwrap();
        let ring = KeyRing::new(&current, std::slice::from_ref(&old));
        assert_eq!(ring.current().kid(), current.kid());
        assert!(ring.find(&old.kid()).is_some());
        assert!(ring.find("0000000000000000").is_none());
    }
}
