//! Sessions as refresh-token families (docs/TOKENS.md): starting one at login, rotating its
//! refresh token with reuse detection (verifying the presented token and counting its refusals),
//! ending one or all of them with their audit record. Nothing here knows about HTTP: handlers
//! call [`Sessions`] and map a [`SessionError`] to its answer through the service's `error.rs`.

mod error;
pub mod family;
mod reauthentication;
mod revocation;

pub use error::SessionError;
pub use reauthentication::Renewed;

use crate::db::login_failures::ThrottleRow;
use crate::db::models::{SessionRow, UserRow};
use crate::db::{self, sessions, PgPool};
use crate::domain::ClientInfo;
use crate::issuer::Issuer;
use crate::metrics::{AuthMetrics, RefreshOutcome};
use family::{Granted, Rotation};
use shared_tokens::RefreshClaims;
use std::sync::Arc;
use uuid::Uuid;

/// A refresh token the request presented (read by the extractor in `http::refresh_token`), not
/// yet verified: [`Sessions`] verifies it.
pub struct PresentedRefreshToken {
    pub token: String,
}

/// What a login or a refresh hands the client: a fresh access token and the session's current
/// refresh token. No `Debug`: it holds both tokens.
pub struct Tokens {
    pub access_token: String,
    /// Seconds.
    pub expires_in: i64,
    pub refresh_token: String,
    /// Seconds.
    pub refresh_expires_in: i64,
    pub session_id: Uuid,
    pub user: UserRow,
}

#[derive(Clone)]
pub struct Sessions {
    pool: PgPool,
    issuer: Arc<Issuer>,
    metrics: Arc<AuthMetrics>,
}

impl Sessions {
    pub fn new(pool: PgPool, issuer: Arc<Issuer>, metrics: Arc<AuthMetrics>) -> Self {
        Self {
            pool,
            issuer,
            metrics,
        }
    }

    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// Starts a session for `user`, who just proved their password; `attempt` is the throttle row
    /// that password attempt was counted in, taken back in the same transaction.
    pub async fn start(
        &self,
        user: UserRow,
        client: ClientInfo,
        attempt: ThrottleRow,
    ) -> Result<Tokens, SessionError> {
        let issuer = self.issuer.clone();
        let granted = db::blocking(&self.pool, move |conn| {
            family::start(conn, &issuer, user, &client, Some(&attempt))
        })
        .await?;
        log::info!(
            "login succeeded: user_id={} session_id={}",
            granted.user.id,
            granted.session_id
        );
        self.tokens(granted)
    }

    /// The claims of a presented refresh token (signature, type, issuer, audience, expiry).
    pub fn verify(&self, presented: &PresentedRefreshToken) -> Result<RefreshClaims, SessionError> {
        self.issuer
            .verify_refresh(&presented.token)
            .map_err(|reason| SessionError::InvalidRefreshToken(reason.label()))
            .inspect_err(|e| self.refused(e))
    }

    /// The one place a refused refresh token is counted and logged, whether its signature or the
    /// database refused it.
    fn refused(&self, error: &SessionError) {
        if let SessionError::InvalidRefreshToken(reason) = error {
            log::debug!("refresh token rejected: {reason}");
            self.metrics.refresh(RefreshOutcome::Rejected);
        }
    }

    /// Rotates the session's refresh token (docs/TOKENS.md, Rotation): the successor, the same
    /// successor again within the grace period, or the end of the whole family on reuse.
    pub async fn rotate(
        &self,
        presented: PresentedRefreshToken,
        client: ClientInfo,
    ) -> Result<Tokens, SessionError> {
        let claims = self.verify(&presented)?;
        let issuer = self.issuer.clone();
        let rotation = db::blocking(&self.pool, move |conn| {
            family::rotate(conn, &issuer, &presented.token, &claims, &client)
        })
        .await
        .inspect_err(|e| self.refused(e))?;
        match rotation {
            Rotation::Rotated(granted) => {
                self.metrics.refresh(RefreshOutcome::Rotated);
                self.tokens(granted)
            }
            Rotation::Reissued(granted) => {
                self.metrics.refresh(RefreshOutcome::GraceReissued);
                self.tokens(granted)
            }
            Rotation::ReuseDetected {
                session_id,
                user_id,
            } => {
                log::warn!(
                    "refresh token reuse detected; session revoked: \
                     session_id={session_id} user_id={user_id}"
                );
                self.metrics.refresh(RefreshOutcome::ReuseDetected);
                Err(SessionError::Reused {
                    session_id,
                    user_id,
                })
            }
        }
    }

    /// Logout: ends session `session_id` of `user_id`. Ending one that is already over is not an
    /// error: the client wanted it over.
    pub async fn end(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        client: ClientInfo,
    ) -> Result<(), SessionError> {
        self.revoke_one(session_id, user_id, "logout", client)
            .await?;
        log::info!("logout: session_id={session_id} user_id={user_id}");
        Ok(())
    }

    /// Ends every session of `user_id`; how many there were.
    pub async fn end_all(
        &self,
        user_id: Uuid,
        current: Uuid,
        client: ClientInfo,
    ) -> Result<usize, SessionError> {
        let revoked = db::blocking(&self.pool, move |conn| {
            Ok::<_, SessionError>(revocation::revoke_all(conn, user_id, current, &client)?)
        })
        .await?;
        log::info!("logout-all: user_id={user_id} sessions_revoked={revoked}");
        Ok(revoked)
    }

    /// Revokes one of the caller's sessions; anything else is [`SessionError::NotFound`].
    pub async fn revoke(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        client: ClientInfo,
    ) -> Result<(), SessionError> {
        let revoked = self
            .revoke_one(session_id, user_id, "revoked_by_user", client)
            .await?;
        if !revoked {
            return Err(SessionError::NotFound);
        }
        log::info!("session revoked: session_id={session_id} user_id={user_id}");
        Ok(())
    }

    /// The live sessions of `user_id`, newest first.
    pub async fn list(&self, user_id: Uuid) -> Result<Vec<SessionRow>, SessionError> {
        db::blocking(&self.pool, move |conn| {
            Ok(sessions::list_live(conn, user_id, chrono::Utc::now())?)
        })
        .await
    }

    /// Whether session `sid` of user `sub` is still live: the check on every access token that
    /// only the issuer can afford.
    pub async fn is_live(&self, sid: Uuid, sub: Uuid) -> Result<bool, SessionError> {
        db::blocking(&self.pool, move |conn| {
            Ok(sessions::is_live(conn, sid, sub, chrono::Utc::now())?)
        })
        .await
    }

    /// Revokes session `session_id` of `user_id` with its audit record; whether it was live.
    async fn revoke_one(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        reason: &'static str,
        client: ClientInfo,
    ) -> Result<bool, SessionError> {
        db::blocking(&self.pool, move |conn| {
            Ok::<_, SessionError>(revocation::revoke_one(
                conn, session_id, user_id, reason, &client,
            )?)
        })
        .await
    }

    fn tokens(&self, granted: Granted) -> Result<Tokens, SessionError> {
        let now = shared_tokens::now_unix();
        let access_token = self.issuer.access_token(
            &granted.user,
            granted.session_id,
            granted.authenticated_at,
            now,
        )?;
        Ok(Tokens {
            access_token,
            expires_in: self.issuer.access_lifetime().as_secs() as i64,
            refresh_token: granted.refresh_token,
            refresh_expires_in: (granted.refresh_expires_at - now).max(0),
            session_id: granted.session_id,
            user: granted.user,
        })
    }
}
