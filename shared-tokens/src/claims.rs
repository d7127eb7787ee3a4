//! Claim sets. Each token purpose has its own struct, its own `typ` and its own audience, so one
//! kind can never be accepted as the other.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The registered claims every claim set carries, which `verify` checks: issuer and audience
/// against the profile, times against the clock and the profile's lifetime.
pub trait RegisteredClaims {
    fn issuer(&self) -> &str;
    fn audience(&self) -> &str;
    fn issued_at(&self) -> i64;
    fn expires_at(&self) -> i64;
}

/// Claims of the short-lived access token (`typ: at+jwt`), verified by both services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub sid: Uuid,
    pub jti: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub username: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<String>,
    /// The owner proved `email` is theirs (docs/TOKENS.md, Access token). Absent in tokens of
    /// issuers older than the claim, which reads as not verified.
    #[serde(default)]
    pub email_verified: bool,
    /// When the owner last proved their password in this session, in seconds since the epoch
    /// (OIDC's claim; docs/TOKENS.md, Recent login). Absent in tokens of issuers older than the
    /// claim, which count as too old for the actions that need a recent login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
}

impl AccessClaims {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// Claims of the long-lived refresh token (`typ: rt+jwt`), verified only by auth-service.
/// The field order is fixed: re-signing the same claims gives the same bytes, which the
/// refresh grace rule relies on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshClaims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub sid: Uuid,
    pub jti: Uuid,
    pub iat: i64,
    pub exp: i64,
}

impl RegisteredClaims for AccessClaims {
    fn issuer(&self) -> &str {
        &self.iss
    }
    fn audience(&self) -> &str {
        &self.aud
    }
    fn issued_at(&self) -> i64 {
        self.iat
    }
    fn expires_at(&self) -> i64 {
        self.exp
    }
}

impl RegisteredClaims for RefreshClaims {
    fn issuer(&self) -> &str {
        &self.iss
    }
    fn audience(&self) -> &str {
        &self.aud
    }
    fn issued_at(&self) -> i64 {
        self.iat
    }
    fn expires_at(&self) -> i64 {
        self.exp
    }
}
