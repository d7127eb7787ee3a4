use super::{no_content_clearing_cookies, presented_refresh_token};
use crate::auth::CurrentSession;
use crate::db::{self, sessions, PgPool};
use crate::error::ApiError;
use crate::tokens::Issuer;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use shared_tokens::extract::authenticate;
use shared_tokens::origin::check_origin;

/// Ends the session named by the refresh token (body or cookie) or, failing that, by the access
/// token, and clears the cookies.
pub async fn logout(
    req: HttpRequest,
    body: web::Bytes,
    pool: web::Data<PgPool>,
    issuer: web::Data<Issuer>,
) -> Result<HttpResponse, ApiError> {
    let (session_id, user_id) = match presented_refresh_token(&req, &body, &issuer)? {
        Some((token, from_cookie)) => {
            if from_cookie {
                check_origin(&req, &issuer.access_policy().allowed_origins)?;
            }
            let claims = issuer.verify_refresh(&token)?;
            (claims.sid, claims.sub)
        }
        None => {
            let auth = authenticate(&req, issuer.access_policy())?;
            (auth.claims.sid, auth.claims.sub)
        }
    };
    db::blocking(&pool, move |conn| {
        Ok(sessions::revoke_owned(
            conn,
            session_id,
            user_id,
            "logout",
            Utc::now(),
        )?)
    })
    .await?;
    log::info!("logout: session_id={session_id} user_id={user_id}");
    Ok(no_content_clearing_cookies(&issuer))
}

/// Ends every session of the caller.
pub async fn logout_all(
    session: CurrentSession,
    pool: web::Data<PgPool>,
    issuer: web::Data<Issuer>,
) -> Result<HttpResponse, ApiError> {
    let user_id = session.claims.sub;
    let revoked = db::blocking(&pool, move |conn| {
        Ok(sessions::revoke_all_for_user(
            conn,
            user_id,
            None,
            "logout_all",
            Utc::now(),
        )?)
    })
    .await?;
    log::info!("logout-all: user_id={user_id} sessions_revoked={revoked}");
    Ok(no_content_clearing_cookies(&issuer))
}
