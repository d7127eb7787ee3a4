//! Ed25519 keys for `ACCESS_TOKEN_ALG=EdDSA` (docs/TOKENS.md, Keys): the private key that only
//! auth-service holds, and the public keys every verifier holds. A key's `kid` is its RFC 7638
//! JWK thumbprint, so any JOSE library computes the same id from the published key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

const PUBLIC_LABEL: &str = "PUBLIC KEY";
const PRIVATE_LABEL: &str = "PRIVATE KEY";

/// An Ed25519 public key and its thumbprint `kid`.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    kid: String,
}

impl PublicKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, String> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| "not an Ed25519 public key")?;
        Self::checked(key)
    }

    /// Refuses a weak key (a point of small order), for which one signature would verify for
    /// many messages: no key pair made by a real generator has one.
    fn checked(key: VerifyingKey) -> Result<Self, String> {
        if key.is_weak() {
            return Err("an Ed25519 public key that is not weak (of small order)".into());
        }
        Ok(Self::new(key))
    }

    fn new(key: VerifyingKey) -> Self {
        let kid = thumbprint(&URL_SAFE_NO_PAD.encode(key.as_bytes()));
        Self { key, kid }
    }

    /// One `-----BEGIN PUBLIC KEY-----` block (SubjectPublicKeyInfo, as `openssl pkey -pubout`
    /// writes it).
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let key = VerifyingKey::from_public_key_pem(pem.trim())
            .map_err(|_| "an Ed25519 public key in PEM (BEGIN PUBLIC KEY)".to_owned())?;
        Self::checked(key)
    }

    pub fn to_pem(&self) -> String {
        self.key
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// The RFC 7638 thumbprint: base64url of the SHA-256 of the canonical JWK.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The JWK `x` member: the key's 32 bytes, base64url.
    pub fn x(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.as_bytes())
    }

    /// Checks a 64-byte signature as RFC 8032 does, with `S` required canonical (below the group
    /// order), so a signature has one form only. `verify_strict`'s further checks are for keys
    /// of small order, refused when the key is read, and cost 10% more per token
    /// (docs/BENCHMARKS.md).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify(message, &signature).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PublicKey").field(&self.kid).finish()
    }
}

/// The RFC 7638 thumbprint of an Ed25519 key whose `x` is given: the members in lexical order,
/// no whitespace (RFC 8037 section 2 names `crv`, `kty` and `x` as the required ones).
fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// The Ed25519 signing key. Its `Debug` shows only the `kid`, and `ed25519-dalek` wipes its
/// memory when the last clone is dropped (clones share one copy).
#[derive(Clone)]
pub struct PrivateKey(Arc<KeyPair>);

struct KeyPair {
    key: SigningKey,
    public: PublicKey,
}

impl PrivateKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, String> {
        use rand::TryRngCore;
        let mut seed = [0u8; 32];
        rand::rngs::OsRng
            .try_fill_bytes(&mut seed)
            .map_err(|e| format!("no randomness from the operating system: {e}"))?;
        let key = SigningKey::from_bytes(&seed);
        seed.fill(0);
        Ok(Self::new(key))
    }

    fn new(key: SigningKey) -> Self {
        let public = PublicKey::new(key.verifying_key());
        Self(Arc::new(KeyPair { key, public }))
    }

    /// One `-----BEGIN PRIVATE KEY-----` block (PKCS#8, as `openssl genpkey -algorithm ed25519`
    /// and `auth-service gen-keypair` write it).
    /// Text around the block (the public key `gen-keypair` prints beside it) is ignored.
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let expected = || "an Ed25519 private key in PEM (BEGIN PRIVATE KEY)".to_owned();
        let pem = unescape_newlines(pem);
        let (begin, end) = (
            format!("-----BEGIN {PRIVATE_LABEL}-----"),
            format!("-----END {PRIVATE_LABEL}-----"),
        );
        let start = pem.find(&begin).ok_or_else(expected)?;
        let stop = pem[start..].find(&end).ok_or_else(expected)? + start + end.len();
        SigningKey::from_pkcs8_pem(&pem[start..stop])
            .map(Self::new)
            .map_err(|_| expected())
    }

    /// PKCS#8 PEM, version 1 (the private key alone), as `openssl genpkey` writes it: OpenSSL 3.0,
    /// Python's `cryptography` and Node refuse the version 2 form with the public key inside.
    pub fn to_pem(&self) -> Result<String, String> {
        let bytes = KeypairBytes {
            secret_key: self.0.key.to_bytes(),
            public_key: None,
        };
        bytes
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.as_str().to_owned())
            .map_err(|e| format!("could not encode the private key: {e}"))
    }

    pub fn public(&self) -> &PublicKey {
        &self.0.public
    }

    pub fn kid(&self) -> &str {
        self.0.public.kid()
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.key.sign(message).to_bytes()
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("kid", &self.kid())
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// Hosting dashboards often keep a PEM on one line with `\n` written out; read those as the
/// newlines they stand for.
fn unescape_newlines(pem: &str) -> String {
    pem.replace("\\n", "\n")
}

/// Every public key in `value`: one or more PEM blocks, separated by anything (newlines,
/// commas). A private key here is refused by name, since a verifier must never hold one.
pub fn parse_public_keys(value: &str) -> Result<Vec<PublicKey>, String> {
    let value = unescape_newlines(value);
    if value.contains(&format!("BEGIN {PRIVATE_LABEL}")) {
        return Err(
            "public keys only: this holds a private key, which a verifier must \
                    never get (give it the public half: auth-service gen-keypair prints it)"
                .into(),
        );
    }
    let begin = format!("-----BEGIN {PUBLIC_LABEL}-----");
    let end = format!("-----END {PUBLIC_LABEL}-----");
    let mut keys = Vec::new();
    let mut rest = value.as_str();
    loop {
        let before = rest.find(&begin).map_or(rest, |at| &rest[..at]);
        if before.chars().any(|c| !c.is_whitespace() && c != ',') {
            return Err("one or more PEM public keys (BEGIN PUBLIC KEY), and nothing else".into());
        }
        let Some(start) = rest.find(&begin) else {
            break;
        };
        let block_end = rest[start..]
            .find(&end)
            .map(|at| start + at + end.len())
            .ok_or("a PEM block that ends with -----END PUBLIC KEY-----")?;
        keys.push(PublicKey::from_pem(&rest[start..block_end])?);
        rest = &rest[block_end..];
    }
    if keys.is_empty() {
        return Err("one or more PEM public keys (BEGIN PUBLIC KEY)".into());
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037, appendix A.1-A.3: the example key and its thumbprint.
    #[test]
    fn kid_is_the_rfc_7638_thumbprint_of_rfc_8037s_example_key() {
        let x = URL_SAFE_NO_PAD
            .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            .unwrap();
        let key = PublicKey::from_bytes(&x.try_into().unwrap()).unwrap();
        assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn the_private_key_pem_is_the_version_1_form_openssl_writes() {
        let pem = PrivateKey::generate().unwrap().to_pem().unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        // The DER of a version 1 Ed25519 key: 48 bytes, SEQUENCE { INTEGER 0, ... }.
        assert!(body.starts_with("MC4CAQAw"), "{pem}");
        let dev_key = include_str!("../../deploy/dev-keys/access-token-private.pem");
        assert!(dev_key.lines().nth(1).unwrap().starts_with("MC4CAQAw"));
    }

    #[test]
    fn weak_keys_of_small_order_are_refused() {
        // The identity point, and a point of order 8 (RFC 8032 test vectors use these).
        let identity = [[1u8].as_slice(), &[0u8; 31]].concat();
        let order_8 =
            hex::decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
                .unwrap();
        for bytes in [identity, order_8] {
            let bytes: [u8; 32] = bytes.try_into().unwrap();
            assert!(PublicKey::from_bytes(&bytes).is_err());
        }
    }

    #[test]
    fn pem_round_trips_and_the_public_half_matches() {
        let private = PrivateKey::generate().unwrap();
        let again = PrivateKey::from_pem(&private.to_pem().unwrap()).unwrap();
        assert_eq!(again.kid(), private.kid());
        let public = parse_public_keys(&private.public().to_pem()).unwrap();
        assert_eq!(public, vec![private.public().clone()]);
        let signature = private.sign(b"message");
        assert!(public[0].verify(b"message", &signature));
        assert!(!public[0].verify(b"massage", &signature));
    }

    #[test]
    fn several_keys_in_one_value_and_escaped_newlines_are_read() {
        let (a, b) = (
            PrivateKey::generate().unwrap(),
            PrivateKey::generate().unwrap(),
        );
        let both = format!("{},{}", a.public().to_pem(), b.public().to_pem());
        let keys = parse_public_keys(&both).unwrap();
        assert_eq!(keys.len(), 2);
        let one_line = a.public().to_pem().replace('\n', "\\n");
        assert_eq!(parse_public_keys(&one_line).unwrap()[0].kid(), a.kid());
    }

    #[test]
    fn private_keys_garbage_and_nothing_are_refused_as_public_keys() {
        let private = PrivateKey::generate().unwrap();
        assert!(parse_public_keys(&private.to_pem().unwrap())
            .unwrap_err()
            .contains("private key"));
        let pem = private.public().to_pem();
        assert!(parse_public_keys(&format!("junk {pem}")).is_err());
        assert!(parse_public_keys(&pem.replace("-----END PUBLIC KEY-----", "")).is_err());
        assert!(parse_public_keys("").is_err());
    }

    #[test]
    fn debug_output_hides_the_private_key() {
        let private = PrivateKey::generate().unwrap();
        let pem = private.to_pem().unwrap();
        let secret_line = pem.lines().nth(1).unwrap();
        let printed = format!("{private:?}");
        assert!(printed.contains(private.kid()));
        assert!(!printed.contains(secret_line));
    }
}
