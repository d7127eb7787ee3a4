use super::json::JsonObject;
use super::openapi::{ApiErrorBody, RateLimited, TooLarge, Unavailable};
use super::token_response;
use crate::attempts::{self, Reserved};
use crate::client::ClientInfo;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::models::UserRow;
use crate::db::{self, users, PgPool};
use crate::domain::storable;
use crate::domain::{Email, Username};
use crate::error::ApiError;
use crate::metrics::{AuthMetrics, LoginOutcome};
use crate::passwords::PasswordHasher;
use crate::rotation::start_session;
use crate::throttle::{self, ThrottlePolicy};
use crate::tokens::Issuer;
use crate::views::TokenResponse;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use service_kit::openapi_responses::NotJson;
use std::collections::BTreeMap;

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

enum Identifier {
    Username(String),
    Email(String),
}

impl Identifier {
    fn text(&self) -> &str {
        match self {
            Self::Username(t) | Self::Email(t) => t,
        }
    }

    /// The typed identifier, normalised, tagged with its kind (for the throttle subject of an
    /// account that does not exist).
    fn key(&self) -> String {
        match self {
            Self::Username(u) => format!("u:{u}"),
            Self::Email(e) => format!("e:{e}"),
        }
    }
}

/// Finds the account (none for an identifier no account could have) and reserves the attempt
/// under the throttle, in one trip to the blocking pool.
fn lookup(
    conn: &mut diesel::PgConnection,
    identifier: &Identifier,
    policy: &ThrottlePolicy,
    ip: &str,
) -> Result<(Option<UserRow>, Reserved), ApiError> {
    let user = match identifier {
        _ if !storable(identifier.text()) => None,
        Identifier::Username(u) => users::find_by_username(conn, u)?,
        Identifier::Email(e) => users::find_by_email(conn, e)?,
    };
    let subject = throttle::subject(&identifier.key());
    let reserved = attempts::reserve(conn, policy, &subject, ip, Utc::now())?;
    Ok((user, reserved))
}

/// Unknown user, wrong password and a throttled attempt take the same path and get the same
/// answer: one lookup, one bcrypt comparison (against a dummy hash when there is no user or the
/// attempt is throttled), 401 `invalid_credentials`, and `Retry-After` once the address is in
/// backoff.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Tokens; also sets the token cookies", body = TokenResponse),
        (status = 400, description = "Malformed JSON, no password, or neither identifier", body = ApiErrorBody),
        (status = 401, description = "`invalid_credentials`: unknown user, wrong password or throttled (`Retry-After` when in backoff)", body = ApiErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait, once the address is in backoff"))),
        TooLarge,
        NotJson,
        RateLimited,
        Unavailable,
    )
)]
pub async fn login(
    body: JsonObject<LoginBody>,
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

    let ip = client.throttle_key();
    let policy = *policy.get_ref();
    let (user, reserved) =
        db::blocking(&pool, move |conn| lookup(conn, &identifier, &policy, &ip)).await?;
    // A throttled attempt is not evaluated, but costs the same bcrypt work as one that is.
    let stored = match &reserved {
        Reserved::Allowed(_) => user.as_ref().map(|u| u.password_hash.clone()),
        Reserved::Throttled { .. } => None,
    };
    let hasher = hasher.get_ref().clone();
    let verified = web::block(move || hasher.verify(&password, stored.as_deref())).await?;

    match (reserved, verified, user) {
        (Reserved::Allowed(reservation), true, Some(user)) => {
            let issuer_for_db = issuer.clone();
            let granted = db::blocking(&pool, move |conn| {
                start_session(conn, &issuer_for_db, user, &client, Some(&reservation))
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
        (Reserved::Throttled { retry_after }, _, user) => {
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
        (Reserved::Allowed(reservation), _, user) => {
            let user_id = user.map(|u| u.id);
            let failures = reservation.failures;
            db::blocking(&pool, move |conn| {
                let mut event = AuditEvent::by(AuditKind::LoginFailed, &client)
                    .detail(serde_json::json!({ "failures_from_address": failures }));
                event.user_id = user_id;
                Ok(audit::record(conn, &event)?)
            })
            .await?;
            log::info!("login failed");
            metrics.login(LoginOutcome::Failed);
            Err(ApiError::InvalidCredentials {
                retry_after: reservation.retry_after(&policy),
            })
        }
    }
}
