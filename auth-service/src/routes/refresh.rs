use super::openapi::{ApiErrorBody, RateLimited, RefreshBody, TooLarge, Unavailable};
use super::{presented_refresh_token, read_body, token_response};
use crate::client::ClientInfo;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::metrics::{AuthMetrics, RefreshOutcome};
use crate::rotation::{rotate, Rotation};
use crate::tokens::Issuer;
use crate::views::TokenResponse;
use actix_web::{web, HttpRequest, HttpResponse};
use shared_tokens::extract::record_rejection;
use shared_tokens::origin::check_origin;
use shared_tokens::AuthError;

#[utoipa::path(
    post,
    path = "/auth/refresh",
    tag = "auth",
    request_body(content = Option<RefreshBody>, description = "Optional when the refresh cookie is sent"),
    responses(
        (status = 200, body = TokenResponse),
        (status = 400, description = "Malformed JSON, two different refresh tokens (body and cookie), or the refresh cookie sent twice", body = ApiErrorBody),
        (status = 401, description = "`unauthorized` (no refresh token), `invalid_token` or `refresh_token_reused`", body = ApiErrorBody),
        (status = 403, description = "`csrf_rejected`: the cookie from a refused origin", body = ApiErrorBody),
        TooLarge,
        RateLimited,
        Unavailable,
    ),
    security((), ("refresh_cookie" = []))
)]
pub async fn refresh(
    req: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
    client: ClientInfo,
    pool: web::Data<PgPool>,
    issuer: web::Data<Issuer>,
    metrics: web::Data<AuthMetrics>,
) -> Result<HttpResponse, ApiError> {
    let (token, from_cookie) = presented_refresh_token(&req, &read_body(body)?, &issuer)?
        .ok_or(AuthError::MissingCredentials)?;
    if from_cookie {
        check_origin(&req, &issuer.access_policy().allowed_origins)?;
    }
    let claims = issuer.verify_refresh(&token).map_err(|reason| {
        record_rejection(&req, reason.label());
        metrics.refresh(RefreshOutcome::Rejected);
        ApiError::InvalidRefreshToken
    })?;
    let issuer_for_db = issuer.clone();
    let outcome = db::blocking(&pool, move |conn| {
        rotate(conn, &issuer_for_db, &token, &claims, &client)
    })
    .await?;
    match outcome {
        Rotation::Rotated(granted) => {
            metrics.refresh(RefreshOutcome::Rotated);
            token_response(&issuer, granted)
        }
        Rotation::Reissued(granted) => {
            metrics.refresh(RefreshOutcome::GraceReissued);
            token_response(&issuer, granted)
        }
        Rotation::ReuseDetected {
            session_id,
            user_id,
        } => {
            log::warn!(
                "refresh token reuse detected; session revoked: session_id={session_id} user_id={user_id}"
            );
            metrics.refresh(RefreshOutcome::ReuseDetected);
            Err(ApiError::RefreshTokenReused)
        }
        Rotation::Rejected(reason) => {
            log::debug!("refresh token rejected: {reason}");
            record_rejection(&req, reason);
            metrics.refresh(RefreshOutcome::Rejected);
            Err(ApiError::InvalidRefreshToken)
        }
    }
}
