//! The account's own profile: read it, change username, email or full name.

use super::{AccountError, Accounts};
use crate::db::email_tokens::{self, EMAIL_VERIFICATION};
use crate::db::models::{UserChanges, UserRow};
use crate::db::{self, events, users};
use crate::domain::{ClientInfo, Email, FieldErrors, FullName, InvalidFields, Username};
use chrono::Utc;
use diesel::Connection;
use shared_tokens::RecentLogin;
use uuid::Uuid;

/// What a profile change asks of the email address.
enum EmailWish {
    /// Not given: nothing to do.
    Unchanged,
    /// The address already pending: its link is on its way; nothing new is sent.
    StillPending(String),
    /// The current address: a pending change, if any, is cancelled.
    Keep,
    /// A new address, to be verified before it replaces the current one.
    Change(String, Box<UserRow>),
}

/// The fields to change; each given one follows its type's rule.
pub struct ProfileChanges(UserChanges);

impl ProfileChanges {
    /// Only the fields given (and not `null`) change; the error names each bad one.
    pub fn parse(
        username: Option<String>,
        email: Option<String>,
        full_name: Option<String>,
    ) -> Result<Self, InvalidFields> {
        let mut errors = FieldErrors::default();
        let changes = UserChanges {
            username: username
                .and_then(|v| errors.check("username", Username::parse(&v)))
                .map(Username::into_inner),
            email: email
                .and_then(|v| errors.check("email", Email::parse(&v)))
                .map(Email::into_inner),
            full_name: full_name
                .and_then(|v| errors.check("full_name", FullName::parse(&v)))
                .map(FullName::into_inner),
        };
        errors.finish()?;
        Ok(Self(changes))
    }
}

impl Accounts {
    pub async fn profile(&self, user_id: Uuid) -> Result<UserRow, AccountError> {
        db::blocking(&self.pool, move |conn| Ok(users::find(conn, user_id)?)).await
    }

    /// Applies `changes`; a username or email already taken is [`AccountError::Taken`]. A new
    /// email is not applied: it waits in `pending_email` and is mailed a verification link
    /// (docs/RECOVERY.md, Changing the address); giving the current email again cancels a pending
    /// change. Access tokens already issued keep the old values until they are refreshed.
    ///
    /// A new email needs the current password, checked like `POST /auth/password`: whoever holds
    /// a stolen session must not move the account to an address they read, from which a reset
    /// would make it theirs. For the same reason it needs `recent_login` (docs/TOKENS.md, Recent
    /// login), checked before the password.
    pub async fn update_profile(
        &self,
        user_id: Uuid,
        changes: ProfileChanges,
        current_password: Option<String>,
        recent_login: Option<RecentLogin>,
        client: ClientInfo,
    ) -> Result<UserRow, AccountError> {
        let ProfileChanges(mut changes) = changes;
        let new_email = changes.email.take();
        // The account's place among password re-checks is taken before its row is read, from
        // memory: a flood of email changes from one account is refused at no database cost
        // (docs/SECURITY.md, Password hashing under load).
        let current = match &new_email {
            Some(_) => {
                let place = self
                    .work
                    .place_for(user_id)
                    .map_err(|_| AccountError::Busy)?;
                Some((place, self.profile(user_id).await?))
            }
            None => None,
        };
        let wanted = match (new_email, current) {
            (Some(email), Some((_, user))) if email == user.email => EmailWish::Keep,
            (Some(email), Some((_, user))) if user.pending_email.as_ref() == Some(&email) => {
                EmailWish::StillPending(email)
            }
            (Some(email), Some((place, user))) => {
                recent_login.ok_or(AccountError::ReauthRequired)?;
                let password = current_password.ok_or_else(|| {
                    InvalidFields::one("current_password", "is required to change the email")
                })?;
                self.confirm_password_holding(place, user_id, password, &client)
                    .await?;
                self.allow_mail(&email, Some(user_id), &client)?;
                EmailWish::Change(email, Box::new(user))
            }
            _ => EmailWish::Unchanged,
        };
        let queued = matches!(wanted, EmailWish::Change(..));
        let this = self.clone();
        let user = db::blocking(&self.pool, move |conn| {
            conn.transaction(|conn| {
                let now = Utc::now();
                let before = users::find(conn, user_id)?;
                let mut user = if changes.is_empty() {
                    before.clone()
                } else {
                    users::update_profile(conn, user_id, &changes, now)?
                };
                match wanted {
                    EmailWish::Change(email, before) => {
                        user = this.request_change(conn, &before, &email, &client)?
                    }
                    EmailWish::Keep if user.pending_email.is_some() => {
                        email_tokens::retire(conn, user_id, EMAIL_VERIFICATION, now)?;
                        user = users::set_pending_email(conn, user_id, None, now)?;
                    }
                    EmailWish::StillPending(email) => {
                        // Asked again for an address someone else has taken since.
                        if users::find_by_email(conn, &email)?.is_some() {
                            return Err(AccountError::Taken("email"));
                        }
                    }
                    EmailWish::Keep | EmailWish::Unchanged => {}
                }
                events::user_updated(conn, &before, &user)?;
                Ok::<_, AccountError>(user)
            })
        })
        .await?;
        if queued {
            self.outbox.wake();
        }
        Ok(user)
    }
}
