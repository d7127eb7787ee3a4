//! The account's own profile: read it, change username, email or full name.

use super::{AccountError, Accounts};
use crate::db::models::{UserChanges, UserRow};
use crate::db::{self, users};
use crate::domain::{Email, FieldErrors, FullName, InvalidFields, Username};
use chrono::Utc;
use uuid::Uuid;

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

    /// Applies `changes`; a username or email already taken is [`AccountError::Taken`]. Access
    /// tokens already issued keep the old values until they are refreshed.
    pub async fn update_profile(
        &self,
        user_id: Uuid,
        changes: ProfileChanges,
    ) -> Result<UserRow, AccountError> {
        let ProfileChanges(changes) = changes;
        db::blocking(&self.pool, move |conn| {
            Ok(if changes.is_empty() {
                users::find(conn, user_id)?
            } else {
                users::update_profile(conn, user_id, &changes, Utc::now())?
            })
        })
        .await
    }
}
