use super::json::JsonObject;
use super::openapi::{ApiErrorBody, RateLimited, TooLarge, Unauthorized, Unavailable};
use crate::attempts::{self, Reserved};
use crate::auth::CurrentSession;
use crate::client::ClientInfo;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::{self, sessions, users, PgPool};
use crate::domain::{FieldErrors, Password};
use crate::error::ApiError;
use crate::passwords::PasswordHasher;
use crate::throttle::{self, ThrottlePolicy};
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use serde::Deserialize;
use service_kit::openapi_responses::NotJson;
use uuid::Uuid;

/// Re-checks the caller's password before a sensitive change. Each attempt is reserved under the
/// failed-login throttle (keyed by the account and the caller's address) before bcrypt runs, so a
/// stolen access token is no faster an oracle than the login form. A wrong password, or one not
/// evaluated because the caller is in backoff, is 403 `forbidden` (with `Retry-After` once in
/// backoff).
pub async fn confirm_password(
    pool: &web::Data<PgPool>,
    hasher: &web::Data<PasswordHasher>,
    policy: ThrottlePolicy,
    client: &ClientInfo,
    user_id: Uuid,
    password: String,
) -> Result<(), ApiError> {
    let ip = client.throttle_key();
    let (user, reserved) = db::blocking(pool, move |conn| {
        let user = users::find(conn, user_id)?;
        let subject = throttle::reauth_subject(user_id);
        let reserved = attempts::reserve(conn, &policy, &subject, &ip, Utc::now())?;
        Ok((user, reserved))
    })
    .await?;
    let stored = match &reserved {
        Reserved::Allowed(_) => Some(user.password_hash),
        Reserved::Throttled { .. } => None,
    };
    let hasher = hasher.get_ref().clone();
    let ok = web::block(move || hasher.verify(&password, stored.as_deref())).await?;
    match reserved {
        Reserved::Allowed(reservation) if ok => {
            db::blocking(pool, move |conn| Ok(reservation.succeeded(conn)?)).await
        }
        Reserved::Allowed(reservation) => {
            log::info!("password re-check failed: user_id={user_id}");
            Err(ApiError::WrongPassword {
                retry_after: reservation.retry_after(&policy),
            })
        }
        Reserved::Throttled { retry_after } => {
            log::info!("password re-check throttled: user_id={user_id} retry_after={retry_after}s");
            Err(ApiError::WrongPassword {
                retry_after: Some(retry_after),
            })
        }
    }
}

/// Both fields are required. A wrong `current_password` is 403; `new_password` follows the
/// password rule.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeBody {
    #[schema(value_type = String)]
    current_password: Option<String>,
    #[schema(value_type = Password)]
    new_password: Option<String>,
}

/// Sets a new password and revokes every other session of the user.
#[utoipa::path(
    post,
    path = "/auth/password",
    tag = "account",
    request_body = ChangeBody,
    responses(
        (status = 204, description = "Password changed, other sessions revoked"),
        (status = 400, description = "Malformed JSON, missing or invalid fields (`fields` names them), or two different access tokens", body = ApiErrorBody),
        Unauthorized,
        (status = 403, description = "`forbidden`: wrong current password (`Retry-After` once in backoff); or `csrf_rejected`", body = ApiErrorBody),
        TooLarge,
        NotJson,
        RateLimited,
        Unavailable,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn change(
    session: CurrentSession,
    body: JsonObject<ChangeBody>,
    client: ClientInfo,
    pool: web::Data<PgPool>,
    hasher: web::Data<PasswordHasher>,
    policy: web::Data<ThrottlePolicy>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    if body.current_password.is_none() {
        errors.missing("current_password");
    }
    let new_password = match body.new_password {
        Some(p) => errors.check("new_password", Password::parse(&p)),
        None => {
            errors.missing("new_password");
            None
        }
    };
    errors.finish()?;
    let (Some(current), Some(new_password)) = (body.current_password, new_password) else {
        return Err(ApiError::invalid("Some fields are invalid."));
    };

    let (user_id, keep) = (session.claims.sub, session.claims.sid);
    confirm_password(&pool, &hasher, **policy, &client, user_id, current).await?;
    let hasher = hasher.get_ref().clone();
    let hash = web::block(move || hasher.hash(new_password.expose())).await??;
    let revoked = db::blocking(&pool, move |conn| {
        conn.transaction(|conn| {
            let now = Utc::now();
            users::set_password_hash(conn, user_id, &hash, now)?;
            let revoked =
                sessions::revoke_all_for_user(conn, user_id, Some(keep), "password_changed", now)?;
            audit::record(
                conn,
                &AuditEvent::by(AuditKind::PasswordChanged, &client)
                    .user(user_id)
                    .session(keep)
                    .detail(serde_json::json!({"other_sessions_revoked": revoked})),
            )?;
            diesel::QueryResult::Ok(revoked)
        })
        .map_err(ApiError::from)
    })
    .await?;
    log::info!("password changed: user_id={user_id} other_sessions_revoked={revoked}");
    Ok(HttpResponse::NoContent().finish())
}
