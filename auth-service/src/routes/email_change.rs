//! The link in the notice of an email change (docs/RECOVERY.md, Changing the address): it
//! cancels the change, or undoes it, without a session.

use crate::account::{Accounts, CancelOutcome};
use crate::domain::ClientInfo;
use crate::error::ApiError;
use crate::http::JsonObject;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{NotJson, RateLimited, ServerErrors, TooLarge};

/// `{token}`: the token from the link in the change notice.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CancelBody {
    #[schema(value_type = String, pattern = "^[A-Za-z0-9_-]{43}$")]
    token: Option<String>,
}

/// What the link did; every session of the account has ended.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Cancelled {
    outcome: CancelOutcome,
}

/// Takes an email change back: cancels it while it waits for verification, or restores the
/// address the notice was mailed to once it was made. Every session of the account ends.
#[utoipa::path(
    post,
    path = "/auth/email/change/cancel",
    tag = "recovery",
    request_body = CancelBody,
    responses(
        (status = 200, body = Cancelled),
        (
            status = 400,
            description = "`invalid_token`: the link is unknown, used, expired, or ended by a \
                           later password change; or malformed JSON",
            body = ApiErrorBody
        ),
        (
            status = 409,
            description = "The old address was taken by another account meanwhile",
            body = ApiErrorBody
        ),
        TooLarge,
        NotJson,
        RateLimited,
        ServerErrors,
    )
)]
pub async fn cancel(
    body: JsonObject<CancelBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let outcome = accounts
        .cancel_email_change(body.into_inner().token, client)
        .await?;
    Ok(HttpResponse::Ok().json(Cancelled { outcome }))
}
