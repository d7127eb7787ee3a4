use super::responses::no_content_clearing_cookies;
use crate::account::{Accounts, ProfileChanges};
use crate::domain::{ClientInfo, Email, FullName, Username};
use crate::error::ApiError;
use crate::http::{CurrentSession, JsonObject};
use crate::views::User;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{
    NotJson, RateLimited, ServerErrors, TooLarge, TwoTokens, Unauthorized,
};
use shared_tokens::AccessPolicy;

/// The caller's account.
#[utoipa::path(
    get,
    path = "/auth/me",
    tag = "account",
    responses(
        (status = 200, body = User),
        TwoTokens,
        Unauthorized,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn show(
    session: CurrentSession,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let user = accounts.profile(session.user_id()).await?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

/// Only the fields given (and not `null`) change; each must follow its type's rule.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct UpdateBody {
    #[schema(value_type = Option<Username>)]
    username: Option<String>,
    #[schema(value_type = Option<Email>)]
    email: Option<String>,
    #[schema(value_type = Option<FullName>)]
    full_name: Option<String>,
    /// Required with a new `email`: the account's current password.
    #[schema(value_type = Option<String>)]
    current_password: Option<String>,
}

/// Changes username, email or full name. A new email needs `current_password` and a recent
/// login (docs/TOKENS.md, Recent login); it waits in
/// `pending_email`, and is mailed a verification link, until that link is used; `email` stays the
/// old one until then. Access tokens already issued keep the old values until they are refreshed.
#[utoipa::path(
    patch,
    path = "/auth/me",
    tag = "account",
    request_body = UpdateBody,
    responses(
        (status = 200, body = User),
        (
            status = 400,
            description = "Malformed JSON, invalid fields (`fields` names them), or two \
                           different access tokens",
            body = ApiErrorBody
        ),
        Unauthorized,
        (
            status = 403,
            description = "`forbidden`: a new email with a wrong `current_password` \
                           (`Retry-After` once in backoff); `reauth_required`: a new email \
                           with a login older than `REAUTH_WINDOW`; or `csrf_rejected`",
            body = ApiErrorBody
        ),
        (status = 409, description = "Username or email taken", body = ApiErrorBody),
        TooLarge,
        NotJson,
        (
            status = 429,
            description = "`too_many_requests`: too many verification mails asked for the new \
                           email",
            body = ApiErrorBody
        ),
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn update(
    session: CurrentSession,
    body: JsonObject<UpdateBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let changes = ProfileChanges::parse(body.username, body.email, body.full_name)?;
    let user = accounts
        .update_profile(
            session.user_id(),
            changes,
            body.current_password,
            session.recent_login().ok(),
            client,
        )
        .await?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

/// `{password}`: the current password. Leaving it out is the same as a wrong one (403).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeleteBody {
    #[schema(value_type = String)]
    password: Option<String>,
}

/// Deletes the account after re-checking the password; sessions and tokens go with it. Needs a
/// recent login (docs/TOKENS.md, Recent login).
#[utoipa::path(
    delete,
    path = "/auth/me",
    tag = "account",
    request_body = DeleteBody,
    responses(
        (status = 204, description = "User, sessions and tokens gone"),
        (
            status = 400,
            description = "No body, malformed JSON, or two different access tokens",
            body = ApiErrorBody
        ),
        Unauthorized,
        (
            status = 403,
            description = "`forbidden`: wrong password (`Retry-After` once in backoff); \
                           `reauth_required`: a login older than `REAUTH_WINDOW`; or \
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
pub async fn delete(
    session: CurrentSession,
    body: JsonObject<DeleteBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
    policy: web::Data<AccessPolicy>,
) -> Result<HttpResponse, ApiError> {
    let recent = session.recent_login()?;
    let password = body.into_inner().password.unwrap_or_default();
    accounts
        .delete(
            session.user_id(),
            session.session_id(),
            recent,
            password,
            client,
        )
        .await?;
    Ok(no_content_clearing_cookies(&policy))
}
