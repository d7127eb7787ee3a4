use super::json::JsonObject;
use super::no_content_clearing_cookies;
use super::openapi::{
    ApiErrorBody, CsrfRejected, RateLimited, TooLarge, TwoTokens, Unauthorized, Unavailable,
};
use crate::auth::CurrentSession;
use crate::client::ClientInfo;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::models::UserChanges;
use crate::db::{self, users, PgPool};
use crate::domain::{Email, FieldErrors, FullName, Username};
use crate::error::ApiError;
use crate::passwords::PasswordHasher;
use crate::throttle::ThrottlePolicy;
use crate::tokens::Issuer;
use crate::views::User;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use serde::Deserialize;
use service_kit::openapi_responses::NotJson;

#[utoipa::path(
    get,
    path = "/auth/me",
    tag = "account",
    responses(
        (status = 200, body = User),
        TwoTokens,
        Unauthorized,
        Unavailable,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn show(
    session: CurrentSession,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let id = session.claims.sub;
    let user = db::blocking(&pool, move |conn| Ok(users::find(conn, id)?)).await?;
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
}

impl TryFrom<UpdateBody> for UserChanges {
    type Error = ApiError;

    fn try_from(body: UpdateBody) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let changes = UserChanges {
            username: body
                .username
                .and_then(|v| errors.check("username", Username::parse(&v)))
                .map(Username::into_inner),
            email: body
                .email
                .and_then(|v| errors.check("email", Email::parse(&v)))
                .map(Email::into_inner),
            full_name: body
                .full_name
                .and_then(|v| errors.check("full_name", FullName::parse(&v)))
                .map(FullName::into_inner),
        };
        errors.finish()?;
        Ok(changes)
    }
}

/// Changes username, email or full name. Access tokens already issued keep the old values until
/// they are refreshed.
#[utoipa::path(
    patch,
    path = "/auth/me",
    tag = "account",
    request_body = UpdateBody,
    responses(
        (status = 200, body = User),
        (status = 400, description = "Malformed JSON, invalid fields (`fields` names them), or two different access tokens", body = ApiErrorBody),
        Unauthorized,
        CsrfRejected,
        (status = 409, description = "Username or email taken", body = ApiErrorBody),
        TooLarge,
        NotJson,
        Unavailable,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn update(
    session: CurrentSession,
    body: JsonObject<UpdateBody>,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let changes = UserChanges::try_from(body.into_inner())?;
    let id = session.claims.sub;
    let user = db::blocking(&pool, move |conn| {
        Ok(if changes.is_empty() {
            users::find(conn, id)?
        } else {
            users::update_profile(conn, id, &changes, Utc::now())?
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

/// `{password}`: the current password. Leaving it out is the same as a wrong one (403).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeleteBody {
    #[schema(value_type = String)]
    password: Option<String>,
}

/// Deletes the account after re-checking the password; sessions and tokens go with it.
#[utoipa::path(
    delete,
    path = "/auth/me",
    tag = "account",
    request_body = DeleteBody,
    responses(
        (status = 204, description = "User, sessions and tokens gone"),
        (status = 400, description = "No body, malformed JSON, or two different access tokens", body = ApiErrorBody),
        Unauthorized,
        (status = 403, description = "`forbidden`: wrong password (`Retry-After` once in backoff); or `csrf_rejected`", body = ApiErrorBody),
        TooLarge,
        NotJson,
        RateLimited,
        Unavailable,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn delete(
    session: CurrentSession,
    body: JsonObject<DeleteBody>,
    client: ClientInfo,
    pool: web::Data<PgPool>,
    hasher: web::Data<PasswordHasher>,
    issuer: web::Data<Issuer>,
    policy: web::Data<ThrottlePolicy>,
) -> Result<HttpResponse, ApiError> {
    let password = body.into_inner().password.unwrap_or_default();
    let id = session.claims.sub;
    super::password::confirm_password(&pool, &hasher, **policy, &client, id, password).await?;
    let session_id = session.claims.sid;
    db::blocking(&pool, move |conn| {
        Ok(conn.transaction(|conn| {
            users::delete(conn, id)?;
            audit::record(
                conn,
                &AuditEvent::by(AuditKind::AccountDeleted, &client)
                    .user(id)
                    .session(session_id),
            )
        })?)
    })
    .await?;
    log::info!("account deleted: user_id={id}");
    Ok(no_content_clearing_cookies(&issuer))
}
