//! The token of a mailed link (docs/RECOVERY.md, Tokens): 32 random bytes, written as 43
//! characters of URL-safe base64. The database keeps only its SHA-256; a token is looked up by
//! that hash, so no comparison of secrets runs in the code.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fmt;

const BYTES: usize = 32;
const LENGTH: usize = 43;

/// A link token. Its `Debug` prints no part of it, so it never reaches a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl LinkToken {
    pub fn generate() -> Self {
        let bytes: [u8; BYTES] = rand::random();
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// `None` for anything that is not a token's spelling: it cannot be one we issued.
    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim();
        let decoded = URL_SAFE_NO_PAD.decode(input).ok()?;
        (input.len() == LENGTH && decoded.len() == BYTES).then(|| Self(input.to_owned()))
    }

    pub fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }

    /// The token's text, for the mail's link only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_token_parses_back_and_others_do_not() {
        let token = LinkToken::generate();
        assert_eq!(LinkToken::parse(token.expose()), Some(token.clone()));
        assert_ne!(LinkToken::generate(), token);
        assert_eq!(token.hash().len(), 32);
        for bad in [
            "",
            "short",
            &format!("{}=", token.expose()),
            &"A".repeat(44),
        ] {
            assert!(LinkToken::parse(bad).is_none(), "{bad}");
        }
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
