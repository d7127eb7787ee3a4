use super::responses::token_response;
use crate::domain::ClientInfo;
use crate::error::ApiError;
use crate::http::refresh_token::RefreshBody;
use crate::http::{TokenDelivery, TokenDeliveryHeader};
use crate::sessions::{PresentedRefreshToken, Sessions};
use crate::views::TokenResponse;
use actix_web::{web, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{RateLimited, ServerErrors, TooLarge};
use shared_tokens::AccessPolicy;

/// Rotates the refresh token (docs/TOKENS.md, Rotation).
#[utoipa::path(
    post,
    path = "/auth/refresh",
    tag = "auth",
    request_body(
        content = Option<RefreshBody>,
        description = "Optional when the refresh cookie is sent"
    ),
    params(TokenDeliveryHeader),
    responses(
        (
            status = 200,
            description = "Tokens; also sets the token cookies. Without `refresh_token` when \
                           `X-Token-Delivery: cookie` was sent",
            body = TokenResponse
        ),
        (
            status = 400,
            description = "Malformed JSON, two different refresh tokens (body and cookie), \
                           the refresh cookie sent twice, or a bad `X-Token-Delivery`",
            body = ApiErrorBody
        ),
        (
            status = 401,
            description = "`unauthorized` (no refresh token), `invalid_token` or \
                           `refresh_token_reused`",
            body = ApiErrorBody
        ),
        (
            status = 403,
            description = "`csrf_rejected`: the cookie from a refused origin",
            body = ApiErrorBody
        ),
        TooLarge,
        RateLimited,
        ServerErrors,
    ),
    security((), ("refresh_cookie" = []))
)]
pub async fn refresh(
    delivery: TokenDelivery,
    token: PresentedRefreshToken,
    client: ClientInfo,
    sessions: web::Data<Sessions>,
    policy: web::Data<AccessPolicy>,
) -> Result<HttpResponse, ApiError> {
    let tokens = sessions.rotate(token, client).await?;
    Ok(token_response(&policy, tokens, delivery))
}
