use super::openapi::ApiErrorBody;
use super::token_response;
use crate::client::ClientInfo;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::models::UserRow;
use crate::db::{self, login_failures, users, PgPool};
use crate::domain::{Email, Username};
use crate::error::ApiError;
use crate::metrics::{AuthMetrics, LoginOutcome};
use crate::passwords::PasswordHasher;
use crate::rotation::start_session;
use crate::throttle::{self, History, ThrottlePolicy, Verdict};
use crate::tokens::Issuer;
use crate::views::TokenResponse;
use actix_web::{web, HttpResponse};
use chrono::{TimeDelta, Utc};
use diesel::Connection;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

enum Identifier {
    Username(String),
    Email(String),
}

impl Identifier {
    /// The typed identifier, normalised, tagged with its kind (for the throttle subject of an
    /// account that does not exist).
    fn key(&self) -> String {
        match self {
            Self::Username(u) => format!("u:{u}"),
            Self::Email(e) => format!("e:{e}"),
        }
    }
}

fn window_start() -> chrono::DateTime<Utc> {
    Utc::now() - TimeDelta::seconds(throttle::WINDOW.as_secs() as i64)
}

/// Finds the account and reads its failed-login history for this address, in one trip.
fn lookup(
    conn: &mut diesel::PgConnection,
    identifier: &Identifier,
    ip: &str,
) -> Result<(Option<UserRow>, String, History), ApiError> {
    let user = match identifier {
        Identifier::Username(u) => users::find_by_username(conn, u)?,
        Identifier::Email(e) => users::find_by_email(conn, e)?,
    };
    let subject = throttle::subject(user.as_ref().map(|u| u.id), &identifier.key());
    let since = window_start();
    let history = History {
        from_address: login_failures::recent(conn, &subject, ip, since)?
            .map(|(failures, at)| (failures.max(0) as u32, at)),
        for_account: login_failures::recent_for_subject(conn, &subject, since)?.max(0) as u64,
    };
    Ok((user, subject, history))
}

/// Unknown user, wrong password and a throttled attempt take the same path and get the same
/// answer: one lookup, one bcrypt comparison (against a dummy hash when there is no user or the
/// attempt is throttled), 401 `invalid_credentials`, and `Retry-After` once the address is in
/// backoff.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginBody, responses((status = 200, description = "Tokens; also sets the token cookies", body = TokenResponse), (status = 400, body = ApiErrorBody), (status = 401, description = "invalid_credentials (unknown user, wrong password or throttled; Retry-After when in backoff)", body = ApiErrorBody), (status = 429, description = "Rate limited", body = ApiErrorBody), (status = 503, description = "Database unavailable", body = ApiErrorBody)))]
pub async fn login(
    body: web::Json<LoginBody>,
    client: ClientInfo,
    pool: web::Data<PgPool>,
    hasher: web::Data<PasswordHasher>,
    issuer: web::Data<Issuer>,
    policy: web::Data<ThrottlePolicy>,
    metrics: web::Data<AuthMetrics>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let identifier = match (body.username, body.email) {
        (Some(u), _) if !u.trim().is_empty() => Identifier::Username(Username::normalise(&u)),
        (_, Some(e)) if !e.trim().is_empty() => Identifier::Email(Email::normalise(&e)),
        _ => {
            return Err(ApiError::invalid_fields(BTreeMap::from([(
                "username".to_owned(),
                "username or email is required".to_owned(),
            )])))
        }
    };
    let Some(password) = body.password.filter(|p| !p.is_empty()) else {
        return Err(ApiError::invalid_fields(BTreeMap::from([(
            "password".to_owned(),
            "is required".to_owned(),
        )])));
    };

    let ip = client.ip_or_unknown().to_owned();
    let (user, subject, history) = {
        let ip = ip.clone();
        db::blocking(&pool, move |conn| lookup(conn, &identifier, &ip)).await?
    };
    let verdict = policy.verdict(&history, Utc::now());
    // A throttled attempt is not evaluated, but costs the same bcrypt work as one that is.
    let stored = match verdict {
        Verdict::Allowed => user.as_ref().map(|u| u.password_hash.clone()),
        Verdict::Throttled { .. } => None,
    };
    let hasher = hasher.get_ref().clone();
    let verified = web::block(move || hasher.verify(&password, stored.as_deref())).await?;

    match (verdict, verified, user) {
        (Verdict::Allowed, true, Some(user)) => {
            let issuer_for_db = issuer.clone();
            let granted = db::blocking(&pool, move |conn| {
                start_session(conn, &issuer_for_db, user, &client)
            })
            .await?;
            log::info!(
                "login succeeded: user_id={} session_id={}",
                granted.user.id,
                granted.session_id
            );
            metrics.login(LoginOutcome::Succeeded);
            token_response(&issuer, granted)
        }
        (Verdict::Throttled { retry_after }, _, user) => {
            let user_id = user.map(|u| u.id);
            db::blocking(&pool, move |conn| {
                let mut event = AuditEvent::by(AuditKind::LoginThrottled, &client)
                    .detail(serde_json::json!({ "retry_after": retry_after }));
                event.user_id = user_id;
                Ok(audit::record(conn, &event)?)
            })
            .await?;
            log::info!("login throttled: retry_after={retry_after}s");
            metrics.login(LoginOutcome::Throttled);
            Err(ApiError::InvalidCredentials {
                retry_after: Some(retry_after),
            })
        }
        (Verdict::Allowed, _, user) => {
            let user_id = user.map(|u| u.id);
            let failures = db::blocking(&pool, move |conn| {
                conn.transaction(|conn| {
                    let failures =
                        login_failures::record(conn, &subject, &ip, Utc::now(), window_start())?;
                    let mut event = AuditEvent::by(AuditKind::LoginFailed, &client)
                        .detail(serde_json::json!({ "failures_from_address": failures }));
                    event.user_id = user_id;
                    audit::record(conn, &event)?;
                    Ok::<_, diesel::result::Error>(failures)
                })
                .map_err(ApiError::from)
            })
            .await?;
            let wait = policy.wait_after(failures.max(0) as u32, history.for_account + 1);
            log::info!("login failed");
            metrics.login(LoginOutcome::Failed);
            Err(ApiError::InvalidCredentials {
                retry_after: (!wait.is_zero()).then_some(wait.as_secs()),
            })
        }
    }
}
