//! `CurrentSession`: the shared access-token extractor plus the check only the issuer can afford,
//! that the token's session has not been revoked or expired.

use crate::db::{self, sessions, PgPool};
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use shared_tokens::extract::{authenticate, record_rejection};
use shared_tokens::{AccessClaims, AccessPolicy, AuthError, CredentialSource};

pub struct CurrentSession {
    pub claims: AccessClaims,
    pub source: CredentialSource,
}

impl FromRequest for CurrentSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let policy = req.app_data::<web::Data<AccessPolicy>>().cloned();
        let pool = req.app_data::<web::Data<PgPool>>().cloned();
        let authenticated = policy
            .ok_or(AuthError::NotConfigured)
            .and_then(|policy| authenticate(req, &policy));
        let req = req.clone();
        Box::pin(async move {
            let auth = authenticated?;
            let pool = pool.ok_or(AuthError::NotConfigured)?;
            let (sid, sub) = (auth.claims.sid, auth.claims.sub);
            let live = db::blocking(&pool, move |conn| {
                Ok(sessions::is_live(conn, sid, sub, chrono::Utc::now())?)
            })
            .await?;
            if !live {
                log::debug!("access token rejected: session {sid} is revoked or expired");
                record_rejection(&req, "session_ended");
                return Err(ApiError::invalid_token());
            }
            Ok(CurrentSession {
                claims: auth.claims,
                source: auth.source,
            })
        })
    }
}
