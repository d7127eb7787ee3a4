//! Login (docs/SECURITY.md, Password guessing): unknown user, wrong password and a throttled
//! attempt take the same path and get the same answer: one lookup, one bcrypt comparison
//! (against a dummy hash when there is no user or the attempt is throttled), and
//! [`AccountError::InvalidCredentials`], with a wait once the address is in backoff.

use super::attempts::{self, Reservation, Reserved};
use super::throttle::{self, ThrottlePolicy};
use super::{AccountError, Accounts};
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::models::UserRow;
use crate::db::{self, users};
use crate::domain::{storable, ClientInfo, Email, InvalidFields, Username};
use crate::metrics::LoginOutcome;
use crate::sessions::Tokens;
use chrono::Utc;
use diesel::PgConnection;

/// Who is logging in, and with what password.
pub struct Credentials {
    identifier: Identifier,
    password: String,
}

enum Identifier {
    Username(String),
    Email(String),
}

impl Credentials {
    /// The username is used when it is given and not blank, else the email; a password is
    /// required. Any other text is a well-formed attempt: an invalid name fails exactly like an
    /// unknown one, so the identifiers carry no registration rule.
    pub fn parse(
        username: Option<String>,
        email: Option<String>,
        password: Option<String>,
    ) -> Result<Self, InvalidFields> {
        let identifier = match (username, email) {
            (Some(u), _) if !u.trim().is_empty() => Identifier::Username(Username::normalise(&u)),
            (_, Some(e)) if !e.trim().is_empty() => Identifier::Email(Email::normalise(&e)),
            _ => {
                return Err(InvalidFields::one(
                    "username",
                    "username or email is required",
                ))
            }
        };
        match password.filter(|p| !p.is_empty()) {
            Some(password) => Ok(Self {
                identifier,
                password,
            }),
            None => Err(InvalidFields::one("password", "is required")),
        }
    }
}

impl Identifier {
    fn text(&self) -> &str {
        match self {
            Self::Username(t) | Self::Email(t) => t,
        }
    }

    /// The typed identifier, normalised, tagged with its kind: the throttle's subject, whether
    /// or not an account has it.
    fn throttle_subject(&self) -> String {
        throttle::subject(&match self {
            Self::Username(u) => format!("u:{u}"),
            Self::Email(e) => format!("e:{e}"),
        })
    }
}

/// Finds the account (none for an identifier no account could have) and reserves the attempt
/// under the throttle, in one trip to the blocking pool.
fn lookup(
    conn: &mut PgConnection,
    identifier: &Identifier,
    policy: &ThrottlePolicy,
    ip: &str,
) -> Result<(Option<UserRow>, Option<Reserved>), AccountError> {
    let user = match identifier {
        _ if !storable(identifier.text()) => None,
        Identifier::Username(u) => users::find_by_username(conn, u)?,
        Identifier::Email(e) => users::find_by_email(conn, e)?,
    };
    let reserved = attempts::reserve(conn, policy, &identifier.throttle_subject(), ip, Utc::now())?;
    Ok((user, reserved))
}

impl Accounts {
    /// Checks the credentials and starts a session.
    pub async fn login(
        &self,
        credentials: Credentials,
        client: ClientInfo,
    ) -> Result<Tokens, AccountError> {
        let Credentials {
            identifier,
            password,
        } = credentials;
        let admission = self.admit()?;
        let (ip, policy) = (client.throttle_key(), self.throttle);
        let subject = identifier.throttle_subject();
        let key = ip.clone();
        let (user, first) = db::blocking(&self.pool, move |conn| {
            lookup(conn, &identifier, &policy, &key)
        })
        .await?;
        let reserved = self.reserve_attempt(first, subject, ip).await?;
        // A throttled attempt is not evaluated, but costs the same bcrypt work as one that is.
        let stored = match &reserved {
            Reserved::Allowed(_) => user.as_ref().map(|u| u.password_hash.clone()),
            Reserved::Throttled { .. } => None,
        };
        let verified = admission
            .verify(password, stored)
            .await
            .map_err(AccountError::Hashing)?;

        match (reserved, verified, user) {
            (Reserved::Allowed(reservation), true, Some(user)) => {
                let tokens = self
                    .sessions
                    .start(user, client, reservation.throttle_row().clone())
                    .await?;
                self.metrics.login(LoginOutcome::Succeeded);
                Ok(tokens)
            }
            (Reserved::Throttled { retry_after }, _, user) => {
                let detail = serde_json::json!({ "retry_after": retry_after });
                self.record_failure(AuditKind::LoginThrottled, user, detail, client, None)
                    .await?;
                log::info!("login throttled: retry_after={retry_after}s");
                self.metrics.login(LoginOutcome::Throttled);
                Err(AccountError::InvalidCredentials {
                    retry_after: Some(retry_after),
                })
            }
            (Reserved::Allowed(reservation), _, user) => {
                let detail = serde_json::json!({ "failures_from_address": reservation.failures });
                let retry_after = reservation.retry_after(&self.throttle);
                self.record_failure(
                    AuditKind::LoginFailed,
                    user,
                    detail,
                    client,
                    Some(reservation),
                )
                .await?;
                log::info!("login failed");
                self.metrics.login(LoginOutcome::Failed);
                Err(AccountError::InvalidCredentials { retry_after })
            }
        }
    }

    /// The audit record of a failed or throttled login, naming the account when there is one;
    /// a wrong password's attempt is settled with it (no longer in flight).
    async fn record_failure(
        &self,
        kind: AuditKind,
        user: Option<UserRow>,
        detail: serde_json::Value,
        client: ClientInfo,
        wrong: Option<Reservation>,
    ) -> Result<(), AccountError> {
        let user_id = user.map(|u| u.id);
        db::blocking(&self.pool, move |conn| {
            if let Some(reservation) = &wrong {
                reservation.failed(conn)?;
            }
            let mut event = AuditEvent::by(kind, &client).detail(detail);
            event.user_id = user_id;
            audit::record(conn, &event)?;
            Ok(())
        })
        .await
    }
}
