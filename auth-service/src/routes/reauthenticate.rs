use super::responses::renewed_response;
use crate::account::Accounts;
use crate::domain::ClientInfo;
use crate::error::ApiError;
use crate::http::{CurrentSession, JsonObject};
use crate::views::TokenResponse;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{NotJson, RateLimited, ServerErrors, TooLarge, Unauthorized};
use shared_tokens::AccessPolicy;

/// `{password}`: the account's password. Leaving it out is the same as a wrong one (403).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReauthenticateBody {
    #[schema(value_type = String)]
    password: Option<String>,
}

/// Proves the password again in the current session, which makes its login recent
/// (docs/TOKENS.md, Recent login): the answer's access token carries `auth_time` now, and so do
/// the session's later refreshes. The refresh token stays as it is and is not in the answer.
#[utoipa::path(
    post,
    path = "/auth/reauthenticate",
    tag = "auth",
    request_body = ReauthenticateBody,
    responses(
        (
            status = 200,
            description = "A new access token, without `refresh_token`; also sets the access \
                           cookie when the request came with it",
            body = TokenResponse
        ),
        (
            status = 400,
            description = "No body, malformed JSON, or two different access tokens",
            body = ApiErrorBody
        ),
        Unauthorized,
        (
            status = 403,
            description = "`forbidden`: wrong password (`Retry-After` once in backoff); or \
                           `csrf_rejected`",
            body = ApiErrorBody
        ),
        TooLarge,
        NotJson,
        RateLimited,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn reauthenticate(
    session: CurrentSession,
    body: JsonObject<ReauthenticateBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
    policy: web::Data<AccessPolicy>,
) -> Result<HttpResponse, ApiError> {
    let password = body.into_inner().password.unwrap_or_default();
    let renewed = accounts
        .reauthenticate(session.user_id(), session.session_id(), password, client)
        .await?;
    Ok(renewed_response(&policy, renewed, session.source))
}
