//! The access-token keys of the test suites, in the mode `TEST_ACCESS_TOKEN_ALG` picks: `HS256`
//! (the default) or `EdDSA`. `.ci/run` runs the service suites in both, so every test of a
//! protected endpoint runs against both kinds of keys (docs/TOKENS.md, Keys).

use shared_tokens::ed25519::PrivateKey;
use shared_tokens::keys::{KeyRing, Secret};
use shared_tokens::Signer;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Hs256,
    EdDsa,
}

/// The mode of this test run.
pub fn mode() -> Mode {
    match std::env::var("TEST_ACCESS_TOKEN_ALG").as_deref() {
        Ok("EdDSA") => Mode::EdDsa,
        Ok("HS256") | Err(_) => Mode::Hs256,
        Ok(other) => panic!("TEST_ACCESS_TOKEN_ALG: HS256 or EdDSA, not {other}"),
    }
}

/// The three keys tests need: the one the services sign with, a previous one they still accept,
/// and one they were never given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Current,
    Previous,
    Other,
}

const SECRETS: [&str; 3] = [
    "test-access-secret-0123456789abcdef0123456789",
    "test-previous-access-secret-0123456789abcdef",
    "test-unrelated-access-secret-0123456789abcd",
];

/// Fresh Ed25519 keys for each test process: both services of one process share them.
static PRIVATE_KEYS: LazyLock<[PrivateKey; 3]> =
    LazyLock::new(|| [(); 3].map(|()| PrivateKey::generate().expect("an Ed25519 key")));

impl Key {
    fn index(self) -> usize {
        self as usize
    }

    pub fn secret(self) -> &'static str {
        SECRETS[self.index()]
    }

    pub fn private_key(self) -> &'static PrivateKey {
        &PRIVATE_KEYS[self.index()]
    }

    /// A signer holding this key in `mode`.
    pub fn signer_in(self, mode: Mode) -> Signer {
        match mode {
            Mode::Hs256 => {
                let secret = Secret::parse(self.secret()).expect("a valid test secret");
                Signer::Hs256(KeyRing::new(&secret, &[]))
            }
            Mode::EdDsa => Signer::Ed25519(self.private_key().clone()),
        }
    }

    /// A signer holding this key in this run's mode.
    pub fn signer(self) -> Signer {
        self.signer_in(mode())
    }
}

/// The access-token variables of auth-service: it signs with [`Key::Current`] and still
/// accepts [`Key::Previous`].
pub fn issuer_vars() -> Vec<(&'static str, String)> {
    issuer_vars_in(mode())
}

/// [`issuer_vars`] in `mode`, whatever the run's.
pub fn issuer_vars_in(mode: Mode) -> Vec<(&'static str, String)> {
    match mode {
        Mode::Hs256 => vec![
            ("ACCESS_TOKEN_SECRET", Key::Current.secret().to_owned()),
            (
                "ACCESS_TOKEN_PREVIOUS_SECRETS",
                Key::Previous.secret().to_owned(),
            ),
        ],
        Mode::EdDsa => vec![
            ("ACCESS_TOKEN_ALG", "EdDSA".to_owned()),
            ("ACCESS_TOKEN_PRIVATE_KEY", private_pem(Key::Current)),
            (
                "ACCESS_TOKEN_PREVIOUS_PUBLIC_KEYS",
                Key::Previous.private_key().public().to_pem(),
            ),
        ],
    }
}

/// The access-token variables of a verifier that accepts [`Key::Current`] and
/// [`Key::Previous`], and in EdDSA mode holds their public halves only.
pub fn verifier_vars() -> Vec<(&'static str, String)> {
    verifier_vars_in(mode())
}

/// [`verifier_vars`] in `mode`, whatever the run's.
pub fn verifier_vars_in(mode: Mode) -> Vec<(&'static str, String)> {
    match mode {
        Mode::Hs256 => issuer_vars_in(mode),
        Mode::EdDsa => {
            let public = [Key::Current, Key::Previous]
                .map(|k| k.private_key().public().to_pem())
                .concat();
            vec![
                ("ACCESS_TOKEN_ALG", "EdDSA".to_owned()),
                ("ACCESS_TOKEN_PUBLIC_KEYS", public),
            ]
        }
    }
}

fn private_pem(key: Key) -> String {
    key.private_key().to_pem().expect("a PEM private key")
}

/// Whether `var` sets access-token keys: a test that picks its own mode removes these first.
pub fn is_access_key_var(var: &str) -> bool {
    (var.starts_with("ACCESS_TOKEN_") && var != "ACCESS_TOKEN_EXPIRY") || var == "JWKS_URL"
}
