//! `CurrentSession`: the shared access-token extractor plus the check only the issuer can afford,
//! that the token's session has not been revoked or expired.

use crate::error::ApiError;
use crate::sessions::Sessions;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use service_kit::observe::record_rejection;
use shared_tokens::extract::authenticate;
use shared_tokens::{AccessClaims, AccessPolicy, AuthError, CredentialSource, RecentLogin};
use uuid::Uuid;

pub struct CurrentSession {
    pub claims: AccessClaims,
    pub source: CredentialSource,
    /// Whether the login is recent enough for a sensitive action, by `REAUTH_WINDOW`.
    recent: Result<RecentLogin, AuthError>,
}

impl CurrentSession {
    pub fn user_id(&self) -> Uuid {
        self.claims.sub
    }

    pub fn session_id(&self) -> Uuid {
        self.claims.sid
    }

    /// Proof that the owner proved their password within `REAUTH_WINDOW`, which deleting the
    /// account and changing the password or the email need (docs/TOKENS.md, Recent login); 403
    /// `reauth_required` when they did not.
    pub fn recent_login(&self) -> Result<RecentLogin, AuthError> {
        self.recent.clone()
    }
}

impl FromRequest for CurrentSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let policy = req.app_data::<web::Data<AccessPolicy>>().cloned();
        let sessions = req.app_data::<web::Data<Sessions>>().cloned();
        let authenticated = policy.ok_or(AuthError::NotConfigured).and_then(|policy| {
            let auth = authenticate(req, &policy)?;
            let recent = policy.reauth_window.check(&auth.claims);
            Ok((auth, recent))
        });
        let req = req.clone();
        Box::pin(async move {
            let (auth, recent) = authenticated?;
            let sessions = sessions.ok_or(AuthError::NotConfigured)?;
            let (sid, sub) = (auth.claims.sid, auth.claims.sub);
            if !sessions.is_live(sid, sub).await? {
                log::debug!("access token rejected: session {sid} is revoked or expired");
                record_rejection(&req, "session_ended");
                return Err(ApiError::invalid_token());
            }
            Ok(CurrentSession {
                claims: auth.claims,
                source: auth.source,
                recent,
            })
        })
    }
}
