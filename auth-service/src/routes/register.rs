use crate::account::{Accounts, Registration};
use crate::domain::{ClientInfo, Email, FullName, Password, Username};
use crate::error::ApiError;
use crate::http::JsonObject;
use crate::views::User;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{NotJson, RateLimited, ServerErrors, TooLarge};

/// Every field is required; each must follow its type's rule, else 400 naming it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RegisterBody {
    #[schema(value_type = Username)]
    username: Option<String>,
    #[schema(value_type = Email)]
    email: Option<String>,
    #[schema(value_type = FullName)]
    full_name: Option<String>,
    #[schema(value_type = Password)]
    password: Option<String>,
}

/// Creates an account; log in afterwards to get tokens.
#[utoipa::path(
    post,
    path = "/auth/register",
    tag = "auth",
    request_body = RegisterBody,
    responses(
        (status = 201, body = User),
        (
            status = 400,
            description = "Malformed JSON, or missing or invalid fields (`fields` names them)",
            body = ApiErrorBody
        ),
        (status = 409, description = "Username or email taken", body = ApiErrorBody),
        TooLarge,
        NotJson,
        RateLimited,
        ServerErrors,
    )
)]
pub async fn register(
    body: JsonObject<RegisterBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let registration =
        Registration::parse(body.username, body.email, body.full_name, body.password)?;
    let user = accounts.register(registration, client).await?;
    Ok(HttpResponse::Created().json(User::from(user)))
}
