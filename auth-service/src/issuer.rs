//! The issuer: mints access and refresh tokens through `shared-tokens`, so the rules that sign are
//! the rules that verify.

use crate::db::models::UserRow;
use sha2::{Digest, Sha256};
use shared_tokens::token::{SignError, TokenProfile, ACCESS_TYP, REFRESH_TYP};
use shared_tokens::{
    AccessClaims, AccessConfig, AccessPolicy, KeyRing, RefreshClaims, Rejection, Secret, Signer,
};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// What the issuer signs with and how long what it signs lives (docs/TOKENS.md), taken from the
/// configuration by `startup`.
pub struct IssuerSettings<'a> {
    pub access: &'a AccessConfig,
    pub refresh_secret: &'a Secret,
    pub refresh_previous_secrets: &'a [Secret],
    /// Refresh-token lifetime, which is also the session's idle limit.
    pub refresh_expiry: Duration,
    /// The absolute session limit that refreshes never extend.
    pub session_max_lifetime: Duration,
    /// How long a just-used refresh token may be presented again (zero disables).
    pub reuse_grace: Duration,
}

pub struct Issuer {
    access: Arc<AccessPolicy>,
    /// The access-token signer: the shared secret or the Ed25519 private key
    /// (docs/TOKENS.md, Keys).
    access_signer: Signer,
    refresh: TokenProfile,
    pub refresh_expiry: Duration,
    pub session_max_lifetime: Duration,
    pub reuse_grace: Duration,
}

impl Issuer {
    /// `None` when the settings hold nothing to sign access tokens with, which the issuer's
    /// configuration never allows.
    pub fn new(settings: IssuerSettings<'_>, access: Arc<AccessPolicy>) -> Option<Self> {
        let access_signer = settings.access.keys.signer()?;
        // Refresh tokens are for this service alone: its issuer name is also their audience,
        // distinct from the access audience, and they are signed with a secret only it knows.
        let issuer = settings.access.issuer.clone();
        let refresh = TokenProfile::new(
            REFRESH_TYP,
            KeyRing::new(settings.refresh_secret, settings.refresh_previous_secrets),
            &issuer,
            &issuer,
            settings.refresh_expiry,
            settings.access.leeway,
        );
        Some(Self {
            access,
            access_signer,
            refresh,
            refresh_expiry: settings.refresh_expiry,
            session_max_lifetime: settings.session_max_lifetime,
            reuse_grace: settings.reuse_grace,
        })
    }

    pub fn access_policy(&self) -> &AccessPolicy {
        &self.access
    }

    pub fn access_lifetime(&self) -> Duration {
        self.access.verifier.lifetime()
    }

    /// A fresh access token for `user` in session `sid`, issued at `now`, whose owner last proved
    /// their password at `auth_time` (both Unix seconds; docs/TOKENS.md, Recent login).
    pub fn access_token(
        &self,
        user: &UserRow,
        sid: Uuid,
        auth_time: i64,
        now: i64,
    ) -> Result<String, SignError> {
        let profile = &self.access.verifier;
        let claims = AccessClaims {
            iss: profile.issuer().to_owned(),
            aud: profile.audience().to_owned(),
            sub: user.id,
            sid,
            jti: Uuid::new_v4(),
            iat: now,
            exp: now + profile.lifetime().as_secs() as i64,
            username: user.username.clone(),
            email: user.email.clone(),
            name: user.full_name.clone(),
            roles: user.roles.clone(),
            email_verified: user.email_verified,
            auth_time: Some(auth_time),
        };
        self.access_signer.sign(ACCESS_TYP, &claims)
    }

    /// The refresh claims for one token of a family. Signing the same claims again gives the
    /// same token byte for byte, which is how the grace rule returns the current successor
    /// without the database ever holding a token.
    pub fn refresh_claims(
        &self,
        user_id: Uuid,
        sid: Uuid,
        jti: Uuid,
        iat: i64,
        exp: i64,
    ) -> RefreshClaims {
        RefreshClaims {
            iss: self.refresh.issuer().to_owned(),
            aud: self.refresh.audience().to_owned(),
            sub: user_id,
            sid,
            jti,
            iat,
            exp,
        }
    }

    /// Signs a new refresh token with the current refresh key; returns it with that key's kid,
    /// which is stored beside the token's hash.
    pub fn sign_refresh(&self, claims: &RefreshClaims) -> Result<(String, String), SignError> {
        let token = self.refresh.sign(claims)?;
        Ok((token, self.refresh.current_kid().to_owned()))
    }

    /// Signs `claims` again with the key `kid` (the current one when `None`), to give back a
    /// token already handed out; `None` when that key is no longer in the ring.
    pub fn resign_refresh(
        &self,
        kid: Option<&str>,
        claims: &RefreshClaims,
    ) -> Result<Option<String>, SignError> {
        let kid = kid.unwrap_or_else(|| self.refresh.current_kid());
        self.refresh.sign_with_kid(kid, claims)
    }

    /// Verifies a refresh token; the reason of a refusal is for logs and metrics only, the
    /// client sees `invalid_token`.
    pub fn verify_refresh(&self, token: &str) -> Result<RefreshClaims, Rejection> {
        self.refresh.verify(token)
    }

    /// Signs and verifies one token of each kind: a broken key setup stops the start. Each lives
    /// exactly its configured lifetime, since a verifier refuses longer ones (a fixed minute
    /// would stop every start with lifetimes under a minute).
    pub fn self_test(&self) -> Result<(), String> {
        let probe = Uuid::nil();
        let access = &self.access.verifier;
        let now = shared_tokens::now_unix();
        let claims = AccessClaims {
            iss: access.issuer().to_owned(),
            aud: access.audience().to_owned(),
            sub: probe,
            sid: probe,
            jti: probe,
            iat: now,
            exp: now + access.lifetime().as_secs() as i64,
            username: "self-test".into(),
            email: "self-test@localhost".into(),
            name: "self-test".into(),
            roles: vec![],
            email_verified: false,
            auth_time: Some(now),
        };
        let token = self
            .access_signer
            .sign(ACCESS_TYP, &claims)
            .map_err(|e| e.to_string())?;
        let back: AccessClaims = access
            .verify(&token)
            .map_err(|r| format!("self-test access token was rejected: {r}"))?;
        if back != claims {
            return Err("self-test access token came back with different claims".into());
        }
        let refresh_lifetime = self.refresh.lifetime().as_secs() as i64;
        self.refresh
            .self_test(|now| self.refresh_claims(probe, probe, probe, now, now + refresh_lifetime))
    }
}

/// The only form in which a refresh token is stored.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}
