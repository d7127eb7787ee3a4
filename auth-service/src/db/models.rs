//! Row structs (what a query returns) and insert structs (what an insert takes).

use crate::db::schema::{refresh_tokens, sessions, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// A user row. No `Debug`: it holds the password hash.
#[derive(Queryable, Selectable, Clone)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub password_hash: String,
    pub roles: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The owner proved `email` is theirs by a mailed link (docs/RECOVERY.md).
    pub email_verified: bool,
    /// An address the owner asked to change to, not yet verified; `email` stays until it is.
    pub pending_email: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub username: &'a str,
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
}

/// The profile fields `PATCH /auth/me` may change; `None` leaves a column as it is.
#[derive(AsChangeset, Default)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub username: Option<String>,
    pub email: Option<String>,
    pub full_name: Option<String>,
}

impl UserChanges {
    pub fn is_empty(&self) -> bool {
        self.username.is_none() && self.email.is_none() && self.full_name.is_none()
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
pub struct SessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub generation: i32,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

impl SessionRow {
    /// Not revoked and within both its idle and its absolute limit.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.idle_expires_at && now < self.absolute_expires_at
    }

    pub fn expires_at(&self) -> DateTime<Utc> {
        self.idle_expires_at.min(self.absolute_expires_at)
    }
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub generation: i32,
    pub user_agent: Option<&'a str>,
    pub ip: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken<'a> {
    pub jti: Uuid,
    pub session_id: Uuid,
    pub token_hash: &'a [u8],
    pub generation: i32,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub kid: &'a str,
}
