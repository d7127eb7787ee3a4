use super::openapi::{
    ApiErrorBody, CsrfRejected, RefreshBody, TooLarge, TwoTokens, Unauthorized, Unavailable,
};
use super::{no_content_clearing_cookies, presented_refresh_token, read_body};
use crate::auth::CurrentSession;
use crate::client::ClientInfo;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::{self, sessions, PgPool};
use crate::error::ApiError;
use crate::tokens::Issuer;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use shared_tokens::extract::{authenticate, record_rejection};
use shared_tokens::origin::check_origin;

/// Ends the session named by the refresh token (body or cookie) or, failing that, by the access
/// token, and clears the cookies.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    request_body(content = Option<RefreshBody>, description = "Optional: the refresh token, else the refresh cookie or the access token names the session"),
    responses(
        (status = 204, description = "Session revoked, cookies cleared"),
        (status = 400, description = "Malformed JSON, two different refresh or access tokens, or a token cookie sent twice", body = ApiErrorBody),
        (status = 401, description = "No, bad, expired or revoked token", body = ApiErrorBody),
        (status = 403, description = "`csrf_rejected`: a cookie from a refused origin", body = ApiErrorBody),
        TooLarge,
        Unavailable,
    ),
    security(("bearer" = []), ("refresh_cookie" = []), ())
)]
pub async fn logout(
    req: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
    client: ClientInfo,
    pool: web::Data<PgPool>,
    issuer: web::Data<Issuer>,
) -> Result<HttpResponse, ApiError> {
    let (session_id, user_id) = match presented_refresh_token(&req, &read_body(body)?, &issuer)? {
        Some((token, from_cookie)) => {
            if from_cookie {
                check_origin(&req, &issuer.access_policy().allowed_origins)?;
            }
            let claims = issuer.verify_refresh(&token).map_err(|reason| {
                record_rejection(&req, reason.label());
                ApiError::InvalidRefreshToken
            })?;
            (claims.sid, claims.sub)
        }
        None => {
            let auth = authenticate(&req, issuer.access_policy())?;
            (auth.claims.sid, auth.claims.sub)
        }
    };
    db::blocking(&pool, move |conn| {
        Ok(conn.transaction(|conn| {
            let revoked = sessions::revoke_owned(conn, session_id, user_id, "logout", Utc::now())?;
            if revoked > 0 {
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::SessionRevoked, &client)
                        .user(user_id)
                        .session(session_id)
                        .detail(serde_json::json!({"reason": "logout"})),
                )?;
            }
            diesel::QueryResult::Ok(())
        })?)
    })
    .await?;
    log::info!("logout: session_id={session_id} user_id={user_id}");
    Ok(no_content_clearing_cookies(&issuer))
}

/// Ends every session of the caller.
#[utoipa::path(
    post,
    path = "/auth/logout-all",
    tag = "auth",
    responses(
        (status = 204, description = "Every session of the user revoked"),
        TwoTokens,
        Unauthorized,
        CsrfRejected,
        Unavailable,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn logout_all(
    session: CurrentSession,
    client: ClientInfo,
    pool: web::Data<PgPool>,
    issuer: web::Data<Issuer>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, session_id) = (session.claims.sub, session.claims.sid);
    let revoked = db::blocking(&pool, move |conn| {
        Ok(conn.transaction(|conn| {
            let revoked =
                sessions::revoke_all_for_user(conn, user_id, None, "logout_all", Utc::now())?;
            audit::record(
                conn,
                &AuditEvent::by(AuditKind::LogoutAll, &client)
                    .user(user_id)
                    .session(session_id)
                    .detail(serde_json::json!({"sessions_revoked": revoked})),
            )?;
            diesel::QueryResult::Ok(revoked)
        })?)
    })
    .await?;
    log::info!("logout-all: user_id={user_id} sessions_revoked={revoked}");
    Ok(no_content_clearing_cookies(&issuer))
}
