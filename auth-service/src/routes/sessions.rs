use crate::domain::ClientInfo;
use crate::error::ApiError;
use crate::http::CurrentSession;
use crate::sessions::Sessions;
use crate::views::{session_view, SessionList};
use actix_web::{web, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{CsrfRejected, ServerErrors, TwoTokens, Unauthorized};
use uuid::Uuid;

/// The caller's live sessions, the current one marked.
#[utoipa::path(
    get,
    path = "/auth/sessions",
    tag = "sessions",
    responses(
        (status = 200, body = SessionList),
        TwoTokens,
        Unauthorized,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn list(
    session: CurrentSession,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, ApiError> {
    let rows = sessions.list(session.user_id()).await?;
    let current = session.session_id();
    Ok(HttpResponse::Ok().json(SessionList {
        sessions: rows
            .into_iter()
            .map(|row| session_view(row, current))
            .collect(),
    }))
}

/// Revokes one of the caller's sessions; someone else's, or no session at all, is 404.
#[utoipa::path(
    delete,
    path = "/auth/sessions/{id}",
    tag = "sessions",
    params(
        (
            "id" = String,
            Path,
            description = "Session id; anything that is not one of the caller's sessions is 404"
        )
    ),
    responses(
        (status = 204, description = "Session revoked"),
        TwoTokens,
        Unauthorized,
        CsrfRejected,
        (status = 404, description = "Not one of the caller's live sessions", body = ApiErrorBody),
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn revoke(
    session: CurrentSession,
    path: web::Path<String>,
    client: ClientInfo,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path).map_err(|_| ApiError::NotFound)?;
    sessions.revoke(id, session.user_id(), client).await?;
    Ok(HttpResponse::NoContent().finish())
}
