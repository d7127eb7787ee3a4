use super::openapi::{ApiErrorBody, CsrfRejected, TwoTokens, Unauthorized, Unavailable};
use crate::auth::CurrentSession;
use crate::client::ClientInfo;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::{self, sessions, PgPool};
use crate::error::ApiError;
use crate::views::{SessionList, SessionView};
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use uuid::Uuid;

#[utoipa::path(
    get,
    path = "/auth/sessions",
    tag = "sessions",
    responses(
        (status = 200, body = SessionList),
        TwoTokens,
        Unauthorized,
        Unavailable,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn list(
    session: CurrentSession,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, current) = (session.claims.sub, session.claims.sid);
    let rows = db::blocking(&pool, move |conn| {
        Ok(sessions::list_live(conn, user_id, Utc::now())?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SessionList {
        sessions: rows
            .into_iter()
            .map(|row| SessionView::new(row, current))
            .collect(),
    }))
}

/// Revokes one of the caller's sessions; someone else's, or no session at all, is 404.
#[utoipa::path(
    delete,
    path = "/auth/sessions/{id}",
    tag = "sessions",
    params(("id" = String, Path, description = "Session id; anything that is not one of the caller's sessions is 404")),
    responses(
        (status = 204, description = "Session revoked"),
        TwoTokens,
        Unauthorized,
        CsrfRejected,
        (status = 404, description = "Not one of the caller's live sessions", body = ApiErrorBody),
        Unavailable,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn revoke(
    session: CurrentSession,
    path: web::Path<String>,
    client: ClientInfo,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path).map_err(|_| ApiError::NotFound)?;
    let user_id = session.claims.sub;
    let revoked = db::blocking(&pool, move |conn| {
        Ok(conn.transaction(|conn| {
            let revoked = sessions::revoke_owned(conn, id, user_id, "revoked_by_user", Utc::now())?;
            if revoked > 0 {
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::SessionRevoked, &client)
                        .user(user_id)
                        .session(id)
                        .detail(serde_json::json!({"reason": "revoked_by_user"})),
                )?;
            }
            diesel::QueryResult::Ok(revoked)
        })?)
    })
    .await?;
    if revoked == 0 {
        return Err(ApiError::NotFound);
    }
    log::info!("session revoked: session_id={id} user_id={user_id}");
    Ok(HttpResponse::NoContent().finish())
}
