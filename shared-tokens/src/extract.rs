//! The request extractor: `Authorization: Bearer` or the access cookie in, verified claims out.
//!
//! Query strings are never looked at. A request carrying two different tokens is refused, and a
//! cookie-authenticated unsafe request must pass the origin check of docs/COOKIES.md.

use crate::claims::AccessClaims;
use crate::config::{AccessConfig, CookieNames};
use crate::error::AuthError;
use crate::keys::KeyRing;
use crate::origin::{check_origin, is_unsafe};
use crate::token::{TokenProfile, ACCESS_TYP};
use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use std::future::{ready, Ready};

/// What a service needs to accept access tokens; registered once as `web::Data<AccessPolicy>`.
#[derive(Debug)]
pub struct AccessPolicy {
    pub profile: TokenProfile,
    pub cookies: CookieNames,
    pub allowed_origins: Vec<String>,
}

impl AccessPolicy {
    pub fn from_config(config: &AccessConfig) -> Self {
        let keys = KeyRing::new(&config.secret, &config.previous_secrets);
        Self {
            profile: TokenProfile::new(
                ACCESS_TYP,
                keys,
                &config.issuer,
                &config.audience,
                config.expiry,
                config.leeway,
            ),
            cookies: config.cookies,
            allowed_origins: config.allowed_origins.clone(),
        }
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
fn bearer_token(req: &HttpRequest) -> Result<Option<&str>, AuthError> {
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
pub fn unique_cookie(req: &HttpRequest, name: &str) -> Result<Option<String>, AuthError> {
    let (first, repeated) = {
        // The parsed cookies live in the request's extensions: let go of them before
        // recording a rejection there.
        let cookies = req.cookies().map_err(|_| AuthError::InvalidToken)?;
        let mut named = cookies.iter().filter(|c| c.name() == name);
        let first = named.next().map(|c| c.value().to_owned());
        (first, named.next().is_some())
    };
    if repeated {
        record_rejection(req, "duplicate_cookie");
        return Err(AuthError::DuplicateCookie);
    }
    Ok(first.filter(|v| !v.is_empty()))
}

/// Left in the request's extensions when a token was refused, with a short stable reason, so the
/// metrics middleware can count refusals by reason without this crate knowing about metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRejected(pub &'static str);

/// Records why a token of `req` was refused (see [`TokenRejected`]).
pub fn record_rejection(req: &HttpRequest, reason: &'static str) {
    req.extensions_mut().insert(TokenRejected(reason));
}

/// Finds, verifies and origin-checks the access token of `req`.
pub fn authenticate(req: &HttpRequest, policy: &AccessPolicy) -> Result<Authenticated, AuthError> {
    let bearer = bearer_token(req).inspect_err(|_| record_rejection(req, "malformed"))?;
    let cookie_token = unique_cookie(req, policy.cookies.access)?;

    let (token, source) = match (bearer, cookie_token.as_deref()) {
        (Some(b), Some(c)) if b != c => {
            record_rejection(req, "conflicting_tokens");
            return Err(AuthError::ConflictingTokens);
        }
        (Some(b), _) => (b, CredentialSource::Bearer),
        (None, Some(c)) => (c, CredentialSource::Cookie),
        (None, None) => return Err(AuthError::MissingCredentials),
    };
    let claims: AccessClaims = policy.profile.verify(token).map_err(|reason| {
        log::debug!("access token rejected: {reason}");
        record_rejection(req, reason.label());
        AuthError::InvalidToken
    })?;
    if source == CredentialSource::Cookie && is_unsafe(req.method()) {
        check_origin(req, &policy.allowed_origins)
            .inspect_err(|_| record_rejection(req, "cross_site_cookie"))?;
    }
    Ok(Authenticated { claims, source })
}

impl FromRequest for Authenticated {
    type Error = AuthError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.app_data::<web::Data<AccessPolicy>>() {
            Some(policy) => authenticate(req, policy),
            None => {
                log::error!("AccessPolicy is not registered as app data");
                Err(AuthError::NotConfigured)
            }
        };
        ready(result)
    }
}
