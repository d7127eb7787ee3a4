//! The call of `rotate_refresh_token`, the database function that decides and records a refresh
//! rotation in one round trip (docs/TOKENS.md, Rotation; the function's own comment in the
//! migration says what each outcome means).

use crate::db::models::UserRow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Bytea, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// What the request presents, and when.
pub struct Presented<'a> {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub token_hash: &'a [u8],
    pub now: DateTime<Utc>,
    /// `REFRESH_REUSE_GRACE` in whole seconds; 0 turns the grace off.
    pub grace_seconds: i64,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// The successor, already signed; becomes current only if the presented token is.
pub struct Successor<'a> {
    pub jti: Uuid,
    pub token_hash: &'a [u8],
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub kid: &'a str,
}

/// What the function decided, read from its `outcome` column in this one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The successor would outlive the session's absolute limit: sign it again with the limit.
    Cap,
    /// The presented token was current; the successor is now.
    Rotated,
    /// The presented token was just replaced, within the grace period: hand back the current one.
    Grace,
    /// The presented token was replaced long ago: the family is revoked.
    Reused,
    /// Refused, with the reason logs and metrics carry.
    Refused(&'static str),
}

/// The refusals the function names (its migration lists them).
const REFUSALS: [&str; 4] = [
    "unknown_session",
    "session_of_another_user",
    "session_ended",
    "unknown_refresh_token",
];

impl Outcome {
    /// `None` for a word the function does not say: a schema out of step with the code.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "cap" => Some(Self::Cap),
            "rotated" => Some(Self::Rotated),
            "grace" => Some(Self::Grace),
            "reused" => Some(Self::Reused),
            other => REFUSALS
                .iter()
                .find(|reason| **reason == other)
                .map(|reason| Self::Refused(reason)),
        }
    }
}

/// The function's one row. Which columns are set depends on `outcome`.
#[derive(QueryableByName)]
pub struct RotationRow {
    #[diesel(sql_type = Text)]
    pub outcome: String,
    /// With `cap`: the session's absolute limit.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub absolute_limit: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub current_jti: Option<Uuid>,
    #[diesel(sql_type = Nullable<Bytea>)]
    pub current_hash: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub current_issued_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub current_expires_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub current_kid: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub user_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    user_username: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    user_email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    user_full_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    user_password_hash: Option<String>,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    user_roles: Option<Vec<String>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    user_created_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    user_updated_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Bool>)]
    user_email_verified: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    user_pending_email: Option<String>,
    /// With `rotated` and `grace`: when the owner last proved their password in the session,
    /// the refreshed access token's `auth_time` (docs/TOKENS.md, Recent login).
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub session_authenticated_at: Option<DateTime<Utc>>,
}

impl RotationRow {
    /// The session's user, which `rotated` and `grace` carry.
    pub fn user(self) -> Option<UserRow> {
        Some(UserRow {
            id: self.user_id?,
            username: self.user_username?,
            email: self.user_email?,
            full_name: self.user_full_name?,
            password_hash: self.user_password_hash?,
            roles: self.user_roles?,
            created_at: self.user_created_at?,
            updated_at: self.user_updated_at?,
            email_verified: self.user_email_verified?,
            pending_email: self.user_pending_email,
        })
    }
}

pub fn rotate(
    conn: &mut PgConnection,
    presented: &Presented<'_>,
    successor: &Successor<'_>,
) -> QueryResult<RotationRow> {
    diesel::sql_query(
        "SELECT * FROM rotate_refresh_token($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind::<SqlUuid, _>(presented.session_id)
    .bind::<SqlUuid, _>(presented.user_id)
    .bind::<Bytea, _>(presented.token_hash)
    .bind::<Timestamptz, _>(presented.now)
    .bind::<BigInt, _>(presented.grace_seconds)
    .bind::<SqlUuid, _>(successor.jti)
    .bind::<Bytea, _>(successor.token_hash)
    .bind::<Timestamptz, _>(successor.issued_at)
    .bind::<Timestamptz, _>(successor.expires_at)
    .bind::<Text, _>(successor.kid)
    .bind::<Nullable<Text>, _>(presented.ip)
    .bind::<Nullable<Text>, _>(presented.user_agent)
    .get_result(conn)
}
