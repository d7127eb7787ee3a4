//! The caller's password, checked again before a sensitive change, and the password change
//! itself.

use super::attempts::{self, Reserved};
use super::email_change::end_pending_links;
use super::{AccountError, Accounts};
use crate::account::throttle;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::{self, events, sessions, users};
use crate::domain::{ClientInfo, FieldErrors, InvalidFields, Password};
use crate::password_work::AccountPlace;
use chrono::Utc;
use diesel::Connection;
use shared_tokens::RecentLogin;
use uuid::Uuid;

/// A password change: the current password, to be checked, and a new one that follows the rule.
pub struct PasswordChange {
    current: String,
    new: Password,
}

impl PasswordChange {
    /// Both are required; the error names each missing or bad one.
    pub fn parse(current: Option<String>, new: Option<String>) -> Result<Self, InvalidFields> {
        let mut errors = FieldErrors::default();
        if current.is_none() {
            errors.missing("current_password");
        }
        let new = match new {
            Some(p) => errors.check("new_password", Password::parse(&p)),
            None => {
                errors.missing("new_password");
                None
            }
        };
        errors.finish()?;
        match (current, new) {
            (Some(current), Some(new)) => Ok(Self { current, new }),
            // `finish` above already refused a missing or bad field.
            _ => Err(InvalidFields::one("new_password", "is required")),
        }
    }
}

impl Accounts {
    /// Re-checks the caller's password. Each attempt is reserved under the failed-login
    /// throttle (keyed by the account and the caller's address) before bcrypt runs, so a stolen
    /// access token is no faster an oracle than the login form. A wrong password, or one not
    /// evaluated because the caller is in backoff, is [`AccountError::WrongPassword`].
    pub async fn confirm_password(
        &self,
        user_id: Uuid,
        password: String,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        let place = self
            .work
            .place_for(user_id)
            .map_err(|_| AccountError::Busy)?;
        self.confirm_password_holding(place, user_id, password, client)
            .await
    }

    /// [`Accounts::confirm_password`] for a caller that already took the account's place
    /// among the re-checks.
    pub(super) async fn confirm_password_holding(
        &self,
        place: AccountPlace,
        user_id: Uuid,
        password: String,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        let admission = self
            .work
            .admit_holding(place)
            .map_err(|_| AccountError::Busy)?;
        let (ip, policy) = (client.throttle_key(), self.throttle);
        let subject = throttle::reauth_subject(user_id);
        let (key, first_subject) = (ip.clone(), subject.clone());
        let (user, first) = db::blocking(&self.pool, move |conn| {
            let user = users::find(conn, user_id)?;
            let first = attempts::reserve(conn, &policy, &first_subject, &key, Utc::now())?;
            Ok::<_, AccountError>((user, first))
        })
        .await?;
        let reserved = self.reserve_attempt(first, subject, ip).await?;
        let stored = match &reserved {
            Reserved::Allowed(_) => Some(user.password_hash),
            Reserved::Throttled { .. } => None,
        };
        let ok = admission
            .verify(password, stored)
            .await
            .map_err(AccountError::Hashing)?;
        match reserved {
            Reserved::Allowed(reservation) if ok => {
                db::blocking(&self.pool, move |conn| {
                    Ok::<_, AccountError>(reservation.succeeded(conn)?)
                })
                .await
            }
            Reserved::Allowed(reservation) => {
                let settle = reservation.clone();
                db::blocking(&self.pool, move |conn| {
                    Ok::<_, AccountError>(settle.failed(conn)?)
                })
                .await?;
                log::info!("password re-check failed: user_id={user_id}");
                Err(AccountError::WrongPassword {
                    retry_after: reservation.retry_after(&self.throttle),
                })
            }
            Reserved::Throttled { retry_after } => {
                log::info!(
                    "password re-check throttled: user_id={user_id} retry_after={retry_after}s"
                );
                Err(AccountError::WrongPassword {
                    retry_after: Some(retry_after),
                })
            }
        }
    }

    /// Sets a new password after re-checking the current one, revokes every session of the user
    /// but `keep` (the caller's), and ends a pending email change and every outstanding reset and
    /// verification link; how many sessions were revoked.
    /// Only a recent login may (docs/TOKENS.md, Recent login).
    pub async fn change_password(
        &self,
        user_id: Uuid,
        keep: Uuid,
        _recent: RecentLogin,
        change: PasswordChange,
        client: ClientInfo,
    ) -> Result<usize, AccountError> {
        self.confirm_password(user_id, change.current, &client)
            .await?;
        let hash = self.hash(change.new.expose().to_owned()).await?;
        let revoked = db::blocking(&self.pool, move |conn| {
            conn.transaction(|conn| {
                let now = Utc::now();
                users::set_password_hash(conn, user_id, &hash, now)?;
                end_pending_links(conn, user_id, now)?;
                let revoked = sessions::revoke_all_for_user(
                    conn,
                    user_id,
                    Some(keep),
                    "password_changed",
                    now,
                )?;
                audit::record(
                    conn,
                    &AuditEvent::by(AuditKind::PasswordChanged, &client)
                        .user(user_id)
                        .session(keep)
                        .detail(serde_json::json!({ "other_sessions_revoked": revoked.len() })),
                )?;
                events::sessions_revoked(conn, user_id, &revoked, "password_changed")?;
                Ok::<_, AccountError>(revoked.len())
            })
        })
        .await?;
        log::info!("password changed: user_id={user_id} other_sessions_revoked={revoked}");
        Ok(revoked)
    }
}
