use crate::account::{Accounts, PasswordChange};
use crate::domain::{ClientInfo, Password};
use crate::error::ApiError;
use crate::http::{CurrentSession, JsonObject};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{NotJson, RateLimited, ServerErrors, TooLarge, Unauthorized};

/// Both fields are required. A wrong `current_password` is 403; `new_password` follows the
/// password rule.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeBody {
    #[schema(value_type = String)]
    current_password: Option<String>,
    #[schema(value_type = Password)]
    new_password: Option<String>,
}

/// Sets a new password and revokes every other session of the user. Needs a recent login
/// (docs/TOKENS.md, Recent login).
#[utoipa::path(
    post,
    path = "/auth/password",
    tag = "account",
    request_body = ChangeBody,
    responses(
        (status = 204, description = "Password changed, other sessions revoked"),
        (
            status = 400,
            description = "Malformed JSON, missing or invalid fields (`fields` names them), or \
                           two different access tokens",
            body = ApiErrorBody
        ),
        Unauthorized,
        (
            status = 403,
            description = "`forbidden`: wrong current password (`Retry-After` once in \
                           backoff); `reauth_required`: a login older than `REAUTH_WINDOW`; \
                           or `csrf_rejected`",
            body = ApiErrorBody
        ),
        TooLarge,
        NotJson,
        RateLimited,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn change(
    session: CurrentSession,
    body: JsonObject<ChangeBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let recent = session.recent_login()?;
    let body = body.into_inner();
    let change = PasswordChange::parse(body.current_password, body.new_password)?;
    accounts
        .change_password(
            session.user_id(),
            session.session_id(),
            recent,
            change,
            client,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
