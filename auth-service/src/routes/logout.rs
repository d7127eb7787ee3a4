use super::responses::no_content_clearing_cookies;
use crate::domain::ClientInfo;
use crate::error::ApiError;
use crate::http::refresh_token::RefreshBody;
use crate::http::{CurrentSession, MaybeRefreshToken};
use crate::sessions::Sessions;
use actix_web::{web, HttpRequest, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{
    CsrfRejected, ServerErrors, TooLarge, TwoTokens, Unauthorized,
};
use shared_tokens::extract::authenticate;
use shared_tokens::AccessPolicy;

/// Ends the session named by the refresh token (body or cookie) or, failing that, by the access
/// token, and clears the cookies.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    request_body(
        content = Option<RefreshBody>,
        description = "Optional: the refresh token, else the refresh cookie or the access \
                       token names the session"
    ),
    responses(
        (status = 204, description = "Session revoked, cookies cleared"),
        (
            status = 400,
            description = "Malformed JSON, two different refresh or access tokens, or a token \
                           cookie sent twice",
            body = ApiErrorBody
        ),
        (status = 401, description = "No, bad, expired or revoked token", body = ApiErrorBody),
        (
            status = 403,
            description = "`csrf_rejected`: a cookie from a refused origin",
            body = ApiErrorBody
        ),
        TooLarge,
        ServerErrors,
    ),
    security(("bearer" = []), ("refresh_cookie" = []), ())
)]
pub async fn logout(
    req: HttpRequest,
    refresh: MaybeRefreshToken,
    client: ClientInfo,
    sessions: web::Data<Sessions>,
    policy: web::Data<AccessPolicy>,
) -> Result<HttpResponse, ApiError> {
    let (session_id, user_id) = match refresh.0 {
        Some(token) => {
            let claims = sessions.verify(&token)?;
            (claims.sid, claims.sub)
        }
        None => {
            let auth = authenticate(&req, &policy)?;
            (auth.claims.sid, auth.claims.sub)
        }
    };
    sessions.end(session_id, user_id, client).await?;
    Ok(no_content_clearing_cookies(&policy))
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
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn logout_all(
    session: CurrentSession,
    client: ClientInfo,
    sessions: web::Data<Sessions>,
    policy: web::Data<AccessPolicy>,
) -> Result<HttpResponse, ApiError> {
    sessions
        .end_all(session.user_id(), session.session_id(), client)
        .await?;
    Ok(no_content_clearing_cookies(&policy))
}
