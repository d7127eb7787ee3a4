//! Queries on `email_tokens`: the hashed, single-use tokens of mailed links.

use crate::db::schema::email_tokens;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

pub const PASSWORD_RESET: &str = "password_reset";
pub const EMAIL_VERIFICATION: &str = "email_verification";

#[derive(Insertable)]
#[diesel(table_name = email_tokens)]
pub struct NewEmailToken<'a> {
    pub token_hash: &'a [u8],
    pub purpose: &'static str,
    pub user_id: Uuid,
    pub email: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub fn insert(conn: &mut PgConnection, token: &NewEmailToken<'_>) -> QueryResult<usize> {
    diesel::insert_into(email_tokens::table)
        .values(token)
        .execute(conn)
}

/// Whose token this is, if it is unused and unexpired: a read, for checks before slow work.
pub fn usable(
    conn: &mut PgConnection,
    token_hash: &[u8],
    purpose: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<Uuid>> {
    email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(now))
        .select(email_tokens::user_id)
        .first(conn)
        .optional()
}

/// Marks the token used if it is usable, in one statement: of two concurrent uses exactly one
/// gets the owner and the address back.
pub fn consume(
    conn: &mut PgConnection,
    token_hash: &[u8],
    purpose: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<(Uuid, String)>> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::token_hash.eq(token_hash))
            .filter(email_tokens::purpose.eq(purpose))
            .filter(email_tokens::used_at.is_null())
            .filter(email_tokens::expires_at.gt(now)),
    )
    .set(email_tokens::used_at.eq(now))
    .returning((email_tokens::user_id, email_tokens::email))
    .get_result(conn)
    .optional()
}

/// Retires every unused token of `purpose` the user holds: after a password is set, older reset
/// links must not set it again; after an email change, older verification links are void.
pub fn retire(
    conn: &mut PgConnection,
    user_id: Uuid,
    purpose: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq(purpose))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(now))
    .execute(conn)
}

/// A reset link for the account that uses `email`, if one does, in one statement: the token and
/// its mail in the outbox. The audit event is written either way, so both cases commit a write
/// and wait for the same disk flush: the statement takes the same time whether or not the
/// address is known (docs/RECOVERY.md, Enumeration). `false` when no account uses it.
#[allow(clippy::too_many_arguments)]
pub fn request_reset(
    conn: &mut PgConnection,
    email: &str,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
    mail: &crate::mail::Mail,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> QueryResult<bool> {
    use diesel::sql_types::{Bytea, Integer, Nullable, Text, Timestamptz};
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = Integer)]
        accounts: i32,
    }
    let found: Found = diesel::sql_query(
        "WITH u AS (SELECT id, email FROM users WHERE email = $1), \
         t AS (INSERT INTO email_tokens (token_hash, purpose, user_id, email, expires_at) \
               SELECT $2, 'password_reset', id, email, $3 FROM u), \
         m AS (INSERT INTO mail_outbox (kind, recipient, subject, text_body, html_body, \
               expires_at) SELECT $4, email, $5, $6, $7, $3 FROM u), \
         a AS (INSERT INTO audit_events (kind, user_id, ip, user_agent, detail) \
               SELECT 'password_reset_requested', (SELECT id FROM u), $8, $9, \
               jsonb_build_object('account_found', EXISTS (SELECT 1 FROM u))) \
         SELECT count(*)::int AS accounts FROM u",
    )
    .bind::<Text, _>(email)
    .bind::<Bytea, _>(token_hash)
    .bind::<Timestamptz, _>(expires_at)
    .bind::<Text, _>(mail.kind)
    .bind::<Text, _>(&mail.subject)
    .bind::<Text, _>(&mail.text)
    .bind::<Text, _>(&mail.html)
    .bind::<Nullable<Text>, _>(ip)
    .bind::<Nullable<Text>, _>(user_agent)
    .get_result(conn)?;
    Ok(found.accounts > 0)
}
