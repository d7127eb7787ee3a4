//! `sign` and `verify`: every rule of SPEC §1 in one place.
//!
//! A [`TokenProfile`] is one kind of token (access or refresh) as one service sees it: its `typ`,
//! issuer, audience, lifetime, leeway and key ring. The algorithm is pinned; header fields that
//! point at other keys (`jku`, `jwk`, `x5u`, `x5c`) are never followed: the key comes from our ring,
//! chosen by `kid`, and from nowhere else.

use crate::claims::TimeBounds;
use crate::keys::KeyRing;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::time::Duration;

pub const ACCESS_TYP: &str = "at+jwt";
pub const REFRESH_TYP: &str = "rt+jwt";

/// The only algorithm we sign with or accept.
pub const ALGORITHM: Algorithm = Algorithm::HS256;

/// Tokens longer than this are refused before any parsing: ours are well under 1 KiB.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Why a token was refused. Logged at DEBUG and never shown to the client, which only ever sees
/// `invalid_token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    TooLarge,
    Malformed,
    WrongAlgorithm,
    WrongType,
    UnknownCriticalHeader,
    MissingKeyId,
    UnknownKey,
    BadSignature,
    Expired,
    IssuedInFuture,
    LifetimeTooLong,
    WrongIssuer,
    WrongAudience,
    MissingOrMalformedClaim(String),
}

impl Rejection {
    /// A short stable label, for logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::Malformed => "malformed",
            Self::WrongAlgorithm => "wrong_algorithm",
            Self::WrongType => "wrong_type",
            Self::UnknownCriticalHeader => "unknown_crit",
            Self::MissingKeyId => "missing_kid",
            Self::UnknownKey => "unknown_kid",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::IssuedInFuture => "issued_in_future",
            Self::LifetimeTooLong => "lifetime_too_long",
            Self::WrongIssuer => "wrong_issuer",
            Self::WrongAudience => "wrong_audience",
            Self::MissingOrMalformedClaim(_) => "bad_claims",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingOrMalformedClaim(detail) => write!(f, "bad_claims ({detail})"),
            other => f.write_str(other.label()),
        }
    }
}

impl From<jsonwebtoken::errors::Error> for Rejection {
    fn from(error: jsonwebtoken::errors::Error) -> Self {
        match error.kind() {
            ErrorKind::InvalidSignature => Self::BadSignature,
            ErrorKind::ExpiredSignature => Self::Expired,
            ErrorKind::InvalidIssuer => Self::WrongIssuer,
            ErrorKind::InvalidAudience => Self::WrongAudience,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => Self::WrongAlgorithm,
            ErrorKind::MissingRequiredClaim(claim) => {
                Self::MissingOrMalformedClaim(format!("missing {claim}"))
            }
            ErrorKind::InvalidClaimFormat(claim) => {
                Self::MissingOrMalformedClaim(format!("malformed {claim}"))
            }
            ErrorKind::Json(_) => Self::MissingOrMalformedClaim("claims do not parse".into()),
            _ => Self::Malformed,
        }
    }
}

/// Signing failed: only a programming error (claims that do not serialise) can cause it.
#[derive(Debug, thiserror::Error)]
#[error("could not sign token: {0}")]
pub struct SignError(#[from] jsonwebtoken::errors::Error);

/// One kind of token with everything needed to sign and verify it.
pub struct TokenProfile {
    typ: &'static str,
    keys: KeyRing,
    lifetime: Duration,
    leeway: Duration,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl TokenProfile {
    pub fn new(
        typ: &'static str,
        keys: KeyRing,
        issuer: &str,
        audience: &str,
        lifetime: Duration,
        leeway: Duration,
    ) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = false;
        Self {
            typ,
            keys,
            lifetime,
            leeway,
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Signs `claims` with the current key, stamping `typ` and `kid` in the header.
    pub fn sign<C: Serialize>(&self, claims: &C) -> Result<String, SignError> {
        let key = self.keys.current();
        let mut header = Header::new(ALGORITHM);
        header.typ = Some(self.typ.to_owned());
        header.kid = Some(key.kid().to_owned());
        Ok(jsonwebtoken::encode(&header, claims, key.encoding())?)
    }

    /// Verifies `token` against the current clock.
    pub fn verify<C: DeserializeOwned + TimeBounds>(&self, token: &str) -> Result<C, Rejection> {
        self.verify_at(token, crate::now_unix())
    }

    /// Verifies `token` as if the time were `now` (seconds since the epoch). The signature,
    /// `exp`, `iss` and `aud` are checked by jsonwebtoken; the rules it does not know (typ, crit,
    /// kid, iat in the future, lifetime) are checked here, before the signature where they can be.
    pub fn verify_at<C: DeserializeOwned + TimeBounds>(
        &self,
        token: &str,
        now: i64,
    ) -> Result<C, Rejection> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Rejection::TooLarge);
        }
        let header = jsonwebtoken::decode_header(token).map_err(|e| match e.kind() {
            ErrorKind::InvalidAlgorithmName => Rejection::WrongAlgorithm,
            _ => Rejection::Malformed,
        })?;
        if header.alg != ALGORITHM {
            return Err(Rejection::WrongAlgorithm);
        }
        if header.typ.as_deref() != Some(self.typ) {
            return Err(Rejection::WrongType);
        }
        // We implement no JWS extensions, so any `crit` names one we do not understand.
        if header.crit.is_some() {
            return Err(Rejection::UnknownCriticalHeader);
        }
        let kid = header.kid.as_deref().ok_or(Rejection::MissingKeyId)?;
        let key = self.keys.find(kid).ok_or(Rejection::UnknownKey)?;

        let claims: C = jsonwebtoken::decode::<C>(token, key.decoding(), &self.validation)?.claims;

        let leeway = self.leeway.as_secs() as i64;
        // jsonwebtoken checks `exp` against its own clock; check it against ours too so that
        // `verify_at` means what it says.
        if claims.expires_at() < now - leeway {
            return Err(Rejection::Expired);
        }
        if claims.issued_at() > now + leeway {
            return Err(Rejection::IssuedInFuture);
        }
        if claims.expires_at() - claims.issued_at() > self.lifetime.as_secs() as i64 + leeway {
            return Err(Rejection::LifetimeTooLong);
        }
        Ok(claims)
    }

    /// Signs and verifies a throwaway token once: run at start so a broken key setup stops the
    /// service instead of failing every request.
    pub fn self_test<C, F>(&self, make_claims: F) -> Result<(), String>
    where
        C: Serialize + DeserializeOwned + TimeBounds + PartialEq,
        F: FnOnce(i64) -> C,
    {
        let claims = make_claims(crate::now_unix());
        let token = self.sign(&claims).map_err(|e| e.to_string())?;
        let back: C = self
            .verify(&token)
            .map_err(|r| format!("self-test token was rejected: {r}"))?;
        if back != claims {
            return Err("self-test token came back with different claims".into());
        }
        Ok(())
    }
}

impl fmt::Debug for TokenProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenProfile")
            .field("typ", &self.typ)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("lifetime", &self.lifetime)
            .field("leeway", &self.leeway)
            .field("keys", &self.keys)
            .finish()
    }
}
