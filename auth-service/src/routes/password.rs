use super::openapi::ApiErrorBody;
use crate::auth::CurrentSession;
use crate::client::ClientInfo;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::{self, sessions, users, PgPool};
use crate::domain::{FieldErrors, Password};
use crate::error::ApiError;
use crate::passwords::PasswordHasher;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::Connection;
use serde::Deserialize;
use uuid::Uuid;

/// Re-checks the caller's password before a sensitive change; a wrong one is 403 `forbidden`.
pub async fn confirm_password(
    pool: &web::Data<PgPool>,
    hasher: &web::Data<PasswordHasher>,
    user_id: Uuid,
    password: String,
) -> Result<(), ApiError> {
    let user = db::blocking(pool, move |conn| Ok(users::find(conn, user_id)?)).await?;
    let hasher = hasher.get_ref().clone();
    let ok = web::block(move || hasher.verify(&password, Some(&user.password_hash))).await?;
    if ok {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeBody {
    current_password: Option<String>,
    new_password: Option<String>,
}

/// Sets a new password and revokes every other session of the user.
#[utoipa::path(post, path = "/auth/password", tag = "account", request_body = ChangeBody, responses((status = 204, description = "Password changed, other sessions revoked"), (status = 400, body = ApiErrorBody), (status = 401, description = "No, bad, expired or revoked access token", body = ApiErrorBody), (status = 403, description = "Wrong current password", body = ApiErrorBody)), security(("bearer" = []), ("access_cookie" = [])))]
pub async fn change(
    session: CurrentSession,
    body: web::Json<ChangeBody>,
    client: ClientInfo,
    pool: web::Data<PgPool>,
    hasher: web::Data<PasswordHasher>,
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
    confirm_password(&pool, &hasher, user_id, current).await?;
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
