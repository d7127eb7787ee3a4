//! `sign` and `verify`: every rule of docs/TOKENS.md, Verification, in one place.
//!
//! A [`TokenVerifier`] is one kind of token (access or refresh) as a verifier sees it: its `typ`,
//! issuer, audience, lifetime, leeway and verifying keys; a [`TokenProfile`] adds the signer, for
//! the issuer. The algorithm is the keys' own (HS256 or EdDSA) and nothing else is accepted;
//! header fields that point at other keys (`jku`, `jwk`, `x5u`, `x5c`) are never followed: the key
//! comes from our keys, chosen by `kid`, and from nowhere else.

use crate::claims::RegisteredClaims;
use crate::ed25519::PublicKey;
use crate::keys::KeyRing;
use crate::signing::{Signer, VerifyingKeys};
use arc_swap::ArcSwap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use crate::signing::SignError;

pub const ACCESS_TYP: &str = "at+jwt";
pub const REFRESH_TYP: &str = "rt+jwt";

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

/// The protected-header fields we read. Everything else (`jku`, `jwk`, `x5u`, `x5c`, ...) is
/// ignored: keys come from our ring, never from the token.
#[derive(Deserialize)]
struct JoseHeader<'a> {
    #[serde(borrow)]
    alg: Cow<'a, str>,
    #[serde(borrow, default)]
    typ: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    kid: Option<Cow<'a, str>>,
    /// Present at all, whatever its value: `"crit": null` is as unknown as any list.
    #[serde(default, deserialize_with = "present")]
    crit: Option<IgnoredAny>,
}

fn present<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Option<IgnoredAny>, D::Error> {
    IgnoredAny::deserialize(value).map(Some)
}

/// A JOSE header and a JWT claims set are JSON objects (RFC 7515 section 4, RFC 7519 section 7.2).
/// serde would also read a struct from a JSON array of its fields in order, so the shape is
/// checked first: the first non-blank byte of an object is `{`.
fn is_json_object(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Whether the header's `typ` names the media type `expected` (`at+jwt`): RFC 7515 section
/// 4.1.9 compares media types without regard to case and lets `application/` be left out, and
/// RFC 9068 section 4 asks verifiers of access tokens to take `application/at+jwt` too.
fn typ_is(typ: &str, expected: &str) -> bool {
    const PREFIX: &str = "application/";
    let bare = match typ.get(..PREFIX.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(PREFIX) => &typ[PREFIX.len()..],
        _ => typ,
    };
    bare.eq_ignore_ascii_case(expected)
}

/// The claims' parse error, reduced to what is safe to log: a missing field's name, never a
/// value from the token.
fn claims_error(error: &serde_json::Error) -> Rejection {
    let message = error.to_string();
    let detail = match message.split_once(" at line") {
        Some((missing, _)) if missing.starts_with("missing field") => missing.to_owned(),
        _ => "claims do not parse".to_owned(),
    };
    Rejection::MissingOrMalformedClaim(detail)
}

/// The rules of one kind of token that do not depend on keys.
#[derive(Debug, Clone)]
struct Rules {
    typ: &'static str,
    lifetime: Duration,
    leeway: Duration,
    issuer: String,
    audience: String,
}

/// Verifies one kind of token; it holds no key that could sign, unless the mode is a shared
/// secret. The keys sit behind an [`ArcSwap`] so a verifier fed by a JWKS document can take new
/// ones while requests verify, without a lock on the hot path.
pub struct TokenVerifier {
    rules: Rules,
    keys: Arc<ArcSwap<VerifyingKeys>>,
}

impl TokenVerifier {
    pub fn new(
        typ: &'static str,
        keys: VerifyingKeys,
        issuer: &str,
        audience: &str,
        lifetime: Duration,
        leeway: Duration,
    ) -> Self {
        Self {
            rules: Rules {
                typ,
                lifetime,
                leeway,
                issuer: issuer.to_owned(),
                audience: audience.to_owned(),
            },
            keys: Arc::new(ArcSwap::from_pointee(keys)),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.rules.issuer
    }

    pub fn audience(&self) -> &str {
        &self.rules.audience
    }

    pub fn lifetime(&self) -> Duration {
        self.rules.lifetime
    }

    /// The keys that verify now.
    pub fn keys(&self) -> Arc<VerifyingKeys> {
        self.keys.load_full()
    }

    /// Where the keys are kept: whoever refreshes them (a JWKS fetch) stores new ones here.
    pub fn key_slot(&self) -> Arc<ArcSwap<VerifyingKeys>> {
        Arc::clone(&self.keys)
    }

    /// Verifies `token` against the current clock.
    pub fn verify<C: DeserializeOwned + RegisteredClaims>(
        &self,
        token: &str,
    ) -> Result<C, Rejection> {
        self.verify_at(token, crate::now_unix())
    }

    /// Verifies `token` as if the time were `now` (seconds since the epoch).
    ///
    /// Each part is decoded and parsed exactly once: the header is checked (alg, typ, crit, kid)
    /// before the signature, the signature with the key named by `kid` (constant-time HMAC, or
    /// Ed25519 with a canonical `S`), and only then are the claims parsed and checked (exp, iss,
    /// aud, iat, lifetime).
    pub fn verify_at<C: DeserializeOwned + RegisteredClaims>(
        &self,
        token: &str,
        now: i64,
    ) -> Result<C, Rejection> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Rejection::TooLarge);
        }
        let (message, signature) = token.rsplit_once('.').ok_or(Rejection::Malformed)?;
        let (header, payload) = message.split_once('.').ok_or(Rejection::Malformed)?;

        let header = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| Rejection::Malformed)?;
        if !is_json_object(&header) {
            return Err(Rejection::Malformed);
        }
        let header: JoseHeader =
            serde_json::from_slice(&header).map_err(|_| Rejection::Malformed)?;
        let keys = self.keys.load();
        // Exactly the configured algorithm: never one the token picks (docs/TOKENS.md).
        if header.alg != keys.algorithm() {
            return Err(Rejection::WrongAlgorithm);
        }
        if !header
            .typ
            .as_deref()
            .is_some_and(|typ| typ_is(typ, self.rules.typ))
        {
            return Err(Rejection::WrongType);
        }
        // We implement no JWS extensions, so any `crit` names one we do not understand.
        if header.crit.is_some() {
            return Err(Rejection::UnknownCriticalHeader);
        }
        let kid = header.kid.as_deref().ok_or(Rejection::MissingKeyId)?;
        keys.check(kid, message, signature)?;

        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| Rejection::Malformed)?;
        if !is_json_object(&payload) {
            return Err(Rejection::Malformed);
        }
        let claims: C = serde_json::from_slice(&payload).map_err(|e| claims_error(&e))?;
        self.rules.check_times_and_parties(&claims, now)?;
        Ok(claims)
    }
}

impl Rules {
    fn check_times_and_parties<C: RegisteredClaims>(
        &self,
        claims: &C,
        now: i64,
    ) -> Result<(), Rejection> {
        let leeway = self.leeway.as_secs() as i64;
        if claims.expires_at() < now - leeway {
            return Err(Rejection::Expired);
        }
        if claims.issuer() != self.issuer {
            return Err(Rejection::WrongIssuer);
        }
        if claims.audience() != self.audience {
            return Err(Rejection::WrongAudience);
        }
        if claims.issued_at() > now + leeway {
            return Err(Rejection::IssuedInFuture);
        }
        // Checked: both times come from the token, and extreme ones must be refused, not overflow
        // (a panic with overflow checks on, a wrapped and so passing lifetime with them off).
        let lifetime = claims.expires_at().checked_sub(claims.issued_at());
        if lifetime.is_none_or(|span| span > self.lifetime.as_secs() as i64 + leeway) {
            return Err(Rejection::LifetimeTooLong);
        }
        Ok(())
    }
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("rules", &self.rules)
            .field("keys", &self.keys.load())
            .finish()
    }
}

/// One kind of token as its issuer sees it: the signer and the verifier of the same keys.
pub struct TokenProfile {
    signer: Signer,
    verifier: TokenVerifier,
}

impl TokenProfile {
    /// A token signed with shared secrets: the ring's current secret signs, every one verifies.
    pub fn new(
        typ: &'static str,
        keys: KeyRing,
        issuer: &str,
        audience: &str,
        lifetime: Duration,
        leeway: Duration,
    ) -> Self {
        Self::with_signer(
            typ,
            Signer::Hs256(keys),
            &[],
            issuer,
            audience,
            lifetime,
            leeway,
        )
    }

    /// A token signed by `signer`, verified by its keys and the `previous` public keys.
    pub fn with_signer(
        typ: &'static str,
        signer: Signer,
        previous: &[PublicKey],
        issuer: &str,
        audience: &str,
        lifetime: Duration,
        leeway: Duration,
    ) -> Self {
        let keys = signer.verifying_keys(previous);
        let verifier = TokenVerifier::new(typ, keys, issuer, audience, lifetime, leeway);
        Self { signer, verifier }
    }

    pub fn verifier(&self) -> &TokenVerifier {
        &self.verifier
    }

    pub fn issuer(&self) -> &str {
        self.verifier.issuer()
    }

    pub fn audience(&self) -> &str {
        self.verifier.audience()
    }

    pub fn lifetime(&self) -> Duration {
        self.verifier.lifetime()
    }

    /// Signs `claims` with the current key, stamping `typ` and `kid` in the header.
    pub fn sign<C: Serialize>(&self, claims: &C) -> Result<String, SignError> {
        self.signer.sign(self.verifier.rules.typ, claims)
    }

    /// The `kid` that [`Self::sign`] stamps now.
    pub fn current_kid(&self) -> &str {
        self.signer.kid()
    }

    /// Signs `claims` with the key `kid`, current or previous; `None` when the signer no
    /// longer holds that key. Signing the same claims with the same key gives the same token.
    pub fn sign_with_kid<C: Serialize>(
        &self,
        kid: &str,
        claims: &C,
    ) -> Result<Option<String>, SignError> {
        self.signer
            .sign_with_kid(kid, self.verifier.rules.typ, claims)
    }

    pub fn verify<C: DeserializeOwned + RegisteredClaims>(
        &self,
        token: &str,
    ) -> Result<C, Rejection> {
        self.verifier.verify(token)
    }

    pub fn verify_at<C: DeserializeOwned + RegisteredClaims>(
        &self,
        token: &str,
        now: i64,
    ) -> Result<C, Rejection> {
        self.verifier.verify_at(token, now)
    }

    /// Signs and verifies a throwaway token once: run at start so a broken key setup stops the
    /// service instead of failing every request.
    pub fn self_test<C, F>(&self, make_claims: F) -> Result<(), String>
    where
        C: Serialize + DeserializeOwned + RegisteredClaims + PartialEq,
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
            .field("signer", &self.signer)
            .field("verifier", &self.verifier)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Secret;
    use crate::RefreshClaims;
    use uuid::Uuid;

    #[test]
    fn issue_and_expiry_times_at_the_ends_of_the_range_are_refused_without_overflow() {
        let secret = Secret::parse(&"s".repeat(32)).unwrap();
        let profile = TokenProfile::new(
            REFRESH_TYP,
            KeyRing::new(&secret, &[]),
            "auth-service",
            "auth-service",
            Duration::from_secs(900),
            Duration::from_secs(30),
        );
        let now = 1_763_000_000;
        for (iat, exp) in [(i64::MIN, now + 60), (-1, i64::MAX), (i64::MIN, i64::MAX)] {
            let claims = RefreshClaims {
                iss: "auth-service".into(),
                aud: "auth-service".into(),
                sub: Uuid::nil(),
                sid: Uuid::nil(),
                jti: Uuid::nil(),
                iat,
                exp,
            };
            let token = profile.sign(&claims).unwrap();
            assert_eq!(
                profile.verify_at::<RefreshClaims>(&token, now),
                Err(Rejection::LifetimeTooLong),
                "iat {iat}, exp {exp}"
            );
        }
    }
}
