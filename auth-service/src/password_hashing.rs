//! bcrypt password hashing without bcrypt's silent 72-byte truncation.
//!
//! The password is NFKC-normalised (the same password typed on two keyboards is the same
//! password), SHA-256 pre-hashed and base64-encoded, and those 44 bytes are what bcrypt sees. So
//! every character of a 128-character password counts, and an 80-byte password never logs in with
//! its first 72 bytes. All of it is CPU work: call it from the blocking pool only.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};
use unicode_normalization::UnicodeNormalization;

#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    /// A hash to compare against when the user does not exist, so an unknown user costs the
    /// same bcrypt work as a known one.
    dummy: Arc<OnceLock<String>>,
}

fn prehash(password: &str) -> String {
    let normalised: String = password.nfkc().collect();
    STANDARD.encode(Sha256::digest(normalised.as_bytes()))
}

impl PasswordHasher {
    pub fn new(cost: u32) -> Self {
        Self {
            cost,
            dummy: Arc::new(OnceLock::new()),
        }
    }

    /// Computes the dummy hash in the background so the start stays fast; a login that comes
    /// before it is ready waits for it.
    pub fn warm_up(&self) {
        let this = self.clone();
        std::thread::spawn(move || {
            this.dummy_hash();
        });
    }

    fn dummy_hash(&self) -> &str {
        self.dummy.get_or_init(|| {
            bcrypt::hash(prehash("dummy password for unknown users"), self.cost).unwrap_or_default()
        })
    }

    pub fn hash(&self, password: &str) -> Result<String, bcrypt::BcryptError> {
        bcrypt::hash(prehash(password), self.cost)
    }

    /// Checks `password` against `stored`, or against the dummy hash when there is no user, in
    /// which case the answer is always `false` after the same amount of work.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        match stored {
            Some(hash) => bcrypt::verify(prehash(password), hash).unwrap_or(false),
            None => {
                let _ = bcrypt::verify(prehash(password), self.dummy_hash());
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hasher = PasswordHasher::new(4);
        let hash = hasher.hash("correct horse battery staple").unwrap();
        assert!(hasher.verify("correct horse battery staple", Some(&hash)));
        assert!(!hasher.verify("correct horse battery stapler", Some(&hash)));
        assert!(!hasher.verify("correct horse battery staple", None));
    }

    #[test]
    fn bytes_past_72_still_count() {
        let hasher = PasswordHasher::new(4);
        let long = "x".repeat(80);
        let hash = hasher.hash(&long).unwrap();
        assert!(!hasher.verify(&long[..72], Some(&hash)));
        assert!(!hasher.verify(&format!("{}y", &long[..79]), Some(&hash)));
        assert!(hasher.verify(&long, Some(&hash)));
    }

    #[test]
    fn compatibility_forms_of_a_password_are_the_same_password() {
        let hasher = PasswordHasher::new(4);
        let hash = hasher.hash("ｐａｓｓｗｏｒｄ１２").unwrap();
        assert!(hasher.verify("password12", Some(&hash)));
    }
}
