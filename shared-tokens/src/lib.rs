//! The token contract both services share (docs/TOKENS.md; docs/COOKIES.md).
//!
//! Everything that decides whether a token is good lives here, in one place, so the issuer and every
//! verifier apply identical rules: claim types, the key ring, `sign`/`verify`, the browser origin
//! check, the request extractor and the recent-login rule; the Ed25519 keys and
//! the JWKS document. No database code and no service logic.

pub mod access_keys;
pub mod claims;
pub mod config;
pub mod ed25519;
pub mod error;
pub mod extract;
pub mod jwks;
pub mod keys;
pub mod origin;
pub mod proxies;
pub mod recent_login;
pub mod signing;
pub mod token;

pub use access_keys::{AccessKeys, Role};
pub use claims::{AccessClaims, RefreshClaims};
pub use config::{AccessConfig, CookieNames};
pub use error::AuthError;
pub use extract::{AccessPolicy, Authenticated, CredentialSource, RevocationCheck};
pub use keys::{KeyRing, Secret};
pub use proxies::TrustedProxies;
pub use recent_login::{ReauthWindow, RecentLogin};
pub use signing::{Signer, VerifyingKeys};
pub use token::{Rejection, TokenProfile, TokenVerifier, ACCESS_TYP, REFRESH_TYP};

/// Seconds since the Unix epoch; the clock every time rule is checked against.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
