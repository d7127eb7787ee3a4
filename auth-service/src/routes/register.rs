use super::json::JsonObject;
use super::openapi::{ApiErrorBody, RateLimited, TooLarge, Unavailable};
use crate::client::ClientInfo;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::models::NewUser;
use crate::db::{self, users, PgPool};
use crate::domain::{Email, FieldErrors, FullName, Password, Username};
use crate::error::ApiError;
use crate::passwords::PasswordHasher;
use crate::views::User;
use actix_web::{web, HttpResponse};
use diesel::Connection;
use serde::Deserialize;
use service_kit::openapi_responses::NotJson;
use uuid::Uuid;

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

/// A registration whose every field parsed.
struct Registration {
    username: Username,
    email: Email,
    full_name: FullName,
    password: Password,
}

impl TryFrom<RegisterBody> for Registration {
    type Error = ApiError;

    fn try_from(body: RegisterBody) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let mut field = |name: &str, value: Option<String>| {
            if value.is_none() {
                errors.missing(name);
            }
            value
        };
        let (u, e, f, p) = (
            field("username", body.username),
            field("email", body.email),
            field("full_name", body.full_name),
            field("password", body.password),
        );
        let username = u.and_then(|v| errors.check("username", Username::parse(&v)));
        let email = e.and_then(|v| errors.check("email", Email::parse(&v)));
        let full_name = f.and_then(|v| errors.check("full_name", FullName::parse(&v)));
        let password = p.and_then(|v| errors.check("password", Password::parse(&v)));
        match (username, email, full_name, password) {
            (Some(username), Some(email), Some(full_name), Some(password)) => Ok(Self {
                username,
                email,
                full_name,
                password,
            }),
            _ => Err(errors
                .finish()
                .err()
                .unwrap_or_else(|| ApiError::invalid("Invalid body."))),
        }
    }
}

#[utoipa::path(
    post,
    path = "/auth/register",
    tag = "auth",
    request_body = RegisterBody,
    responses(
        (status = 201, body = User),
        (status = 400, description = "Malformed JSON, or missing or invalid fields (`fields` names them)", body = ApiErrorBody),
        (status = 409, description = "Username or email taken", body = ApiErrorBody),
        TooLarge,
        NotJson,
        RateLimited,
        Unavailable,
    )
)]
pub async fn register(
    body: JsonObject<RegisterBody>,
    client: ClientInfo,
    pool: web::Data<PgPool>,
    hasher: web::Data<PasswordHasher>,
) -> Result<HttpResponse, ApiError> {
    let registration = Registration::try_from(body.into_inner())?;
    let hasher = hasher.get_ref().clone();
    let password = registration.password.clone();
    let hash = web::block(move || hasher.hash(password.expose())).await??;
    let user = db::blocking(&pool, move |conn| {
        conn.transaction(|conn| {
            let user = users::insert(
                conn,
                &NewUser {
                    id: Uuid::new_v4(),
                    username: registration.username.as_str(),
                    email: registration.email.as_str(),
                    full_name: &registration.full_name.into_inner(),
                    password_hash: &hash,
                },
            )?;
            audit::record(
                conn,
                &AuditEvent::by(AuditKind::Registered, &client).user(user.id),
            )?;
            Ok(user)
        })
    })
    .await?;
    log::info!("user registered: user_id={}", user.id);
    Ok(HttpResponse::Created().json(User::from(user)))
}
