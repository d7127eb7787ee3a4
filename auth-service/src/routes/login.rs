use super::responses::token_response;
use crate::account::{Accounts, Credentials};
use crate::domain::ClientInfo;
use crate::error::ApiError;
use crate::http::{JsonObject, TokenDelivery, TokenDeliveryHeader};
use crate::views::TokenResponse;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{NotJson, RateLimited, ServerErrors, TooLarge};
use shared_tokens::AccessPolicy;

/// `{username | email, password}`. The username is used when it is given and not blank, else the
/// email; a blank or `null` identifier counts as none.
#[derive(Deserialize)]
pub struct LoginBody {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

/// What `login` refuses with 400, as the document states it: no `password` or an empty one, or
/// neither identifier given and not blank. Any other text is a well-formed attempt (an invalid
/// name fails exactly like an unknown one), so the identifiers carry no registration rule.
impl utoipa::PartialSchema for LoginBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AllOfBuilder, AnyOfBuilder, ObjectBuilder, SchemaType, Type,
        };
        let text_or_null =
            || ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]));
        let fields = ObjectBuilder::new()
            .property("username", text_or_null())
            .property("email", text_or_null())
            .property(
                "password",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1)),
            )
            .required("password");
        let given = |name: &str| {
            ObjectBuilder::new()
                .property(
                    name,
                    service_kit::openapi::string_schema(
                        service_kit::openapi::pattern::not_blank(),
                        "Not blank",
                    ),
                )
                .required(name)
        };
        AllOfBuilder::new()
            .item(fields)
            .item(
                AnyOfBuilder::new()
                    .item(given("username"))
                    .item(given("email")),
            )
            .description(Some(
                "`password` and one of `username` (used first) or `email`, not blank",
            ))
            .into()
    }
}

impl utoipa::ToSchema for LoginBody {}

/// Unknown user, wrong password and a throttled attempt get the same answer: 401
/// `invalid_credentials`, with `Retry-After` once the address is in backoff (docs/SECURITY.md,
/// Password guessing).
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginBody,
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
            description = "Malformed JSON, no password, neither identifier, or a bad \
                           `X-Token-Delivery`",
            body = ApiErrorBody
        ),
        (
            status = 401,
            description = "`invalid_credentials`: unknown user, wrong password or throttled \
                           (`Retry-After` when in backoff)",
            body = ApiErrorBody,
            headers((
                "Retry-After" = u64,
                description = "Seconds to wait, once the address is in backoff"
            ))
        ),
        TooLarge,
        NotJson,
        RateLimited,
        ServerErrors,
    )
)]
pub async fn login(
    delivery: TokenDelivery,
    body: JsonObject<LoginBody>,
    client: ClientInfo,
    accounts: web::Data<Accounts>,
    policy: web::Data<AccessPolicy>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let credentials = Credentials::parse(body.username, body.email, body.password)?;
    let tokens = accounts.login(credentials, client).await?;
    Ok(token_response(&policy, tokens, delivery))
}
