//! Account recovery (docs/RECOVERY.md): the reset link, the verification link, and asking for
//! either by mail.

use crate::account::{Accounts, PasswordReset};
use crate::domain::{ClientInfo, Email, InvalidFields, Password};
use crate::error::ApiError;
use crate::http::{CurrentSession, JsonObject};
use crate::views::User;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{
    CsrfRejected, NotJson, RateLimited, ServerErrors, TooLarge, TwoTokens, Unauthorized,
};

/// The answer of a request for a mail: taken, and the mail (if any) is on its way.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Accepted {
    /// Always `accepted`.
    status: &'static str,
}

fn accepted() -> HttpResponse {
    HttpResponse::Accepted().json(Accepted { status: "accepted" })
}

/// `{email}`: the address the account uses.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ForgotBody {
    #[schema(value_type = Email)]
    email: Option<String>,
}

/// Mails a password-reset link to the account that uses the address, if one does. The answer is
/// the same, in the same time, whether or not one does.
#[utoipa::path(
    post,
    path = "/auth/password/forgot",
    tag = "recovery",
    request_body = ForgotBody,
    responses(
        (status = 202, body = Accepted),
        (
            status = 400,
            description = "Malformed JSON, or a missing or invalid `email`",
            body = ApiErrorBody
        ),
        TooLarge,
        NotJson,
        (
            status = 429,
            description = "`too_many_requests`: too many requests from this address, or too \
                           many mails asked for this email; `Retry-After` says when to try again",
            body = ApiErrorBody
        ),
        ServerErrors,
    )
)]
pub async fn forgot(
    body: JsonObject<ForgotBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let email = body
        .into_inner()
        .email
        .ok_or_else(|| InvalidFields::one("email", "is required"))?;
    let email = Email::parse(&email).map_err(|e| InvalidFields::one("email", &e))?;
    accounts.request_password_reset(email, client).await?;
    Ok(accepted())
}

/// `{token, new_password}`: the token from the mailed link, and a password that follows the
/// registration rule.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ResetBody {
    #[schema(value_type = String, pattern = "^[A-Za-z0-9_-]{43}$")]
    token: Option<String>,
    #[schema(value_type = Password)]
    new_password: Option<String>,
}

/// Sets a new password with a reset link's token, and ends every session of the account.
#[utoipa::path(
    post,
    path = "/auth/password/reset",
    tag = "recovery",
    request_body = ResetBody,
    responses(
        (status = 204, description = "Password set; every session of the account ended"),
        (
            status = 400,
            description = "`invalid_token`: the link is unknown, used or expired; or \
                           `invalid_request`: malformed JSON, or `new_password` breaks the rule",
            body = ApiErrorBody
        ),
        TooLarge,
        NotJson,
        RateLimited,
        ServerErrors,
    )
)]
pub async fn reset(
    body: JsonObject<ResetBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let reset = PasswordReset::parse(body.token, body.new_password)?;
    accounts.reset_password(reset, client).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `{token}`: the token from the mailed verification link.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct VerifyBody {
    #[schema(value_type = String, pattern = "^[A-Za-z0-9_-]{43}$")]
    token: Option<String>,
}

/// Uses a verification link: the address is verified, and a pending address becomes the
/// account's. No session is needed: the link may be opened on another device.
#[utoipa::path(
    post,
    path = "/auth/email/verify",
    tag = "recovery",
    request_body = VerifyBody,
    responses(
        (status = 200, body = User),
        (
            status = 400,
            description = "`invalid_token`: the link is unknown, used, expired or replaced by a \
                           later change; or malformed JSON",
            body = ApiErrorBody
        ),
        (
            status = 409,
            description = "The new address was taken by another account meanwhile",
            body = ApiErrorBody
        ),
        TooLarge,
        NotJson,
        RateLimited,
        ServerErrors,
    )
)]
pub async fn verify(
    body: JsonObject<VerifyBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let user = accounts
        .verify_email(body.into_inner().token, client)
        .await?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

/// Mails a new verification link for the pending address, or for the account's own while it is
/// unverified.
#[utoipa::path(
    post,
    path = "/auth/email/verify/resend",
    tag = "recovery",
    responses(
        (status = 202, body = Accepted),
        TwoTokens,
        Unauthorized,
        CsrfRejected,
        (
            status = 409,
            description = "Nothing to verify: the address is verified and no change is pending",
            body = ApiErrorBody
        ),
        (
            status = 429,
            description = "`too_many_requests`: too many requests from this address, or too \
                           many mails asked for this email; `Retry-After` says when to try again",
            body = ApiErrorBody
        ),
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn resend(
    session: CurrentSession,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    accounts
        .resend_verification(session.user_id(), client)
        .await?;
    Ok(accepted())
}
