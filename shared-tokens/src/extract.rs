//! The request extractor: `Authorization: Bearer` or the access cookie in, verified claims out.
//!
//! Query strings are never looked at. A request carrying two different tokens is refused, and a
//! cookie-authenticated unsafe request must pass the origin check of docs/COOKIES.md. A token
//! whose `kid` is unknown may wait for one key fetch (docs/TOKENS.md, Keys); every other request
//! is verified without waiting for anything.

use crate::claims::AccessClaims;
use crate::config::{AccessConfig, CookieNames};
use crate::error::AuthError;
use crate::origin::{check_origin, is_unsafe};
use crate::proxies::TrustedProxies;
use crate::recent_login::ReauthWindow;
use crate::token::{TokenVerifier, ACCESS_TYP};
use actix_web::dev::Payload;
use actix_web::http::header::{AUTHORIZATION, COOKIE};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::{Either, LocalBoxFuture};
use service_kit::observe::{record_rejection, TokenRejected};
use std::borrow::Cow;
use std::fmt;
use std::future::{ready, Ready};
use std::sync::Arc;

/// Fetches new verifying keys when a token names a `kid` the verifier does not hold (a JWKS
/// document that has gained a key). It decides itself how often it really fetches: the extractor
/// asks on every unknown `kid`, and verifies once more after the answer.
pub trait KeyRefetch: Send + Sync {
    fn refetch(&self) -> LocalBoxFuture<'_, ()>;
}

/// Refuses tokens whose session or account ended before they expire (docs/TOKENS.md,
/// Revocation). Asked on every request after the signature and claims check, so it answers from
/// memory: [`AuthError::SessionRevoked`], [`AuthError::RevocationsUnknown`] or `Ok`.
pub trait RevocationCheck: Send + Sync {
    fn check(&self, claims: &AccessClaims) -> Result<(), AuthError>;
}

/// What a service needs to accept access tokens; registered once as `web::Data<AccessPolicy>`.
pub struct AccessPolicy {
    pub verifier: TokenVerifier,
    pub cookies: CookieNames,
    pub allowed_origins: Vec<String>,
    /// Whose forwarding headers say where a request was sent (the origin check).
    pub trusted_proxies: TrustedProxies,
    pub refetch: Option<Arc<dyn KeyRefetch>>,
    /// The verifier's list of revoked sessions and accounts, when it follows one.
    pub revocations: Option<Arc<dyn RevocationCheck>>,
    /// How recent a login the sensitive actions need (docs/TOKENS.md, Recent login).
    pub reauth_window: ReauthWindow,
}

impl AccessPolicy {
    pub fn from_config(config: &AccessConfig) -> Self {
        Self {
            verifier: TokenVerifier::new(
                ACCESS_TYP,
                config.keys.verifying_keys(),
                &config.issuer,
                &config.audience,
                config.expiry,
                config.leeway,
            ),
            cookies: config.cookies,
            allowed_origins: config.allowed_origins.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            refetch: None,
            revocations: None,
            reauth_window: config.reauth_window,
        }
    }

    /// Asks `refetch` for keys whenever a token names an unknown `kid`.
    pub fn with_refetch(mut self, refetch: Arc<dyn KeyRefetch>) -> Self {
        self.refetch = Some(refetch);
        self
    }

    /// Refuses, after verification, the tokens `revocations` says were revoked.
    pub fn with_revocations(mut self, revocations: Arc<dyn RevocationCheck>) -> Self {
        self.revocations = Some(revocations);
        self
    }
}

impl fmt::Debug for AccessPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessPolicy")
            .field("verifier", &self.verifier)
            .field("cookies", &self.cookies)
            .field("allowed_origins", &self.allowed_origins)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("refetch", &self.refetch.is_some())
            .field("revocations", &self.revocations.is_some())
            .field("reauth_window", &self.reauth_window)
            .finish()
    }
}

/// Where the access token of a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    Bearer,
    Cookie,
}

/// A request whose access token verified.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub claims: AccessClaims,
    pub source: CredentialSource,
}

/// The bearer token of the `Authorization` header; other schemes are not ours and are ignored.
pub fn bearer_token(req: &HttpRequest) -> Result<Option<&str>, AuthError> {
    let Some(value) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AuthError::InvalidToken)?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            let token = token.trim();
            if token.is_empty() {
                Err(AuthError::InvalidToken)
            } else {
                Ok(Some(token))
            }
        }
        _ => Ok(None),
    }
}

/// The value of cookie `name` (an empty value counts as none), refusing a request that carries a
/// cookie of that name more than once, across all its `Cookie` headers.
///
/// Names are matched byte for byte as sent, never percent-decoded: a sibling subdomain may set
/// `__Host%2Daccess_token`, which browsers do not treat as prefixed, and it must not count as
/// `__Host-access_token` (docs/COOKIES.md, Where the services read them).
pub fn unique_cookie(req: &HttpRequest, name: &str) -> Result<Option<String>, AuthError> {
    let mut values = cookie_values(req, name.as_bytes());
    let first = values.next();
    if values.next().is_some() {
        record_rejection(req, "duplicate_cookie");
        return Err(AuthError::DuplicateCookie);
    }
    match first {
        None => Ok(None),
        Some(value) => std::str::from_utf8(value)
            .map(|v| Some(v.to_owned()).filter(|v| !v.is_empty()))
            .map_err(|_| AuthError::InvalidToken),
    }
}

/// Every value of the cookies named exactly `name` in the request's `Cookie` headers, in order.
/// A pair without `=` has no name and is skipped, as browsers do.
fn cookie_values<'r>(req: &'r HttpRequest, name: &'r [u8]) -> impl Iterator<Item = &'r [u8]> {
    req.headers()
        .get_all(COOKIE)
        .flat_map(|header| header.as_bytes().split(|b| *b == b';'))
        .filter_map(|pair| {
            let at = pair.iter().position(|b| *b == b'=')?;
            Some((pair[..at].trim_ascii(), pair[at + 1..].trim_ascii()))
        })
        .filter(move |(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The token of `req` and where it came from, refusing conflicting ones.
fn credentials<'r>(
    req: &'r HttpRequest,
    policy: &AccessPolicy,
) -> Result<(Cow<'r, str>, CredentialSource), AuthError> {
    let bearer = bearer_token(req).inspect_err(|_| record_rejection(req, "malformed"))?;
    let cookie_token = unique_cookie(req, policy.cookies.access)?;
    match (bearer, cookie_token) {
        (Some(b), Some(c)) if b != c => {
            record_rejection(req, "conflicting_tokens");
            Err(AuthError::ConflictingTokens)
        }
        (Some(b), _) => Ok((Cow::Borrowed(b), CredentialSource::Bearer)),
        (None, Some(c)) => Ok((Cow::Owned(c), CredentialSource::Cookie)),
        (None, None) => Err(AuthError::MissingCredentials),
    }
}

/// Verifies `token` and origin-checks the request; a refusal is recorded for the metrics.
fn accept(
    req: &HttpRequest,
    policy: &AccessPolicy,
    token: &str,
    source: CredentialSource,
) -> Result<Authenticated, AuthError> {
    let claims: AccessClaims = policy.verifier.verify(token).map_err(|reason| {
        log::debug!("access token rejected: {reason}");
        record_rejection(req, reason.label());
        AuthError::InvalidToken
    })?;
    if let Some(revocations) = &policy.revocations {
        revocations.check(&claims).inspect_err(|e| {
            let label = match e {
                AuthError::SessionRevoked => "revoked",
                _ => "revocations_unknown",
            };
            log::debug!("access token refused: {label}");
            record_rejection(req, label);
        })?;
    }
    if source == CredentialSource::Cookie && is_unsafe(req.method()) {
        check_origin(req, &policy.allowed_origins, &policy.trusted_proxies)
            .inspect_err(|_| record_rejection(req, "cross_site_cookie"))?;
    }
    Ok(Authenticated { claims, source })
}

/// Finds, verifies and origin-checks the access token of `req` with the keys held now.
pub fn authenticate(req: &HttpRequest, policy: &AccessPolicy) -> Result<Authenticated, AuthError> {
    let (token, source) = credentials(req, policy)?;
    accept(req, policy, &token, source)
}

/// Whether a refusal was for a `kid` this verifier does not hold, and it could fetch keys.
fn worth_refetching(req: &HttpRequest, policy: &AccessPolicy) -> bool {
    policy.refetch.is_some()
        && req.extensions().get::<TokenRejected>() == Some(&TokenRejected("unknown_kid"))
}

impl FromRequest for Authenticated {
    type Error = AuthError;
    type Future = Either<
        Ready<Result<Self, Self::Error>>,
        LocalBoxFuture<'static, Result<Self, Self::Error>>,
    >;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(policy) = req.app_data::<web::Data<AccessPolicy>>() else {
            log::error!("AccessPolicy is not registered as app data");
            return Either::Left(ready(Err(AuthError::NotConfigured)));
        };
        let result = authenticate(req, policy);
        if result.is_ok() || !worth_refetching(req, policy) {
            return Either::Left(ready(result));
        }
        // A key we do not hold yet (the issuer rotated): fetch keys, then verify once more.
        let (req, policy) = (req.clone(), policy.clone());
        Either::Right(Box::pin(async move {
            if let Some(refetch) = &policy.refetch {
                refetch.refetch().await;
            }
            req.extensions_mut().remove::<TokenRejected>();
            authenticate(&req, &policy)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;
    use actix_web::test::TestRequest;

    fn read(cookies: &[&[u8]]) -> Result<Option<String>, AuthError> {
        let mut req = TestRequest::get();
        for cookie in cookies {
            req = req.append_header((COOKIE, HeaderValue::from_bytes(cookie).unwrap()));
        }
        unique_cookie(&req.to_http_request(), "__Host-access_token")
    }

    #[test]
    fn cookie_names_are_matched_byte_for_byte_never_decoded() {
        let mine = Ok(Some("mine".to_owned()));
        assert_eq!(read(&[b"__Host%2Daccess_token=planted"]), Ok(None));
        assert_eq!(
            read(&[b"__Host%2daccess_token=a; __host-access_token=b"]),
            Ok(None)
        );
        assert_eq!(
            read(&[b"__Host%2Daccess_token=planted; __Host-access_token=mine"]),
            mine
        );
        assert_eq!(read(&[b" __Host-access_token = mine ;other=1"]), mine);
        // Another cookie's bytes, even outside UTF-8, do not matter.
        assert_eq!(read(&[b"x=\xff\xfe; __Host-access_token=mine"]), mine);
        assert_eq!(read(&[b"__Host-access_token="]), Ok(None));
    }

    #[test]
    fn a_name_sent_twice_is_refused_whatever_the_copies_hold() {
        for cookies in [
            &[&b"__Host-access_token=a; __Host-access_token=b"[..]][..],
            &[b"__Host-access_token=a", b"__Host-access_token=a"],
            &[b"__Host-access_token=; x=1", b"__Host-access_token=b"],
        ] {
            assert_eq!(read(cookies), Err(AuthError::DuplicateCookie));
        }
    }
}
