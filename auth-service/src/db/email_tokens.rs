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

/// The kind of the outbox row that stands for a `forgot` request until the mail worker resolves
/// it into a reset mail, or into nothing for an unknown address.
pub const RESET_REQUEST: &str = "password_reset_request";

/// Records a `forgot` request: a row in the outbox and the audit event, in one statement that
/// writes the same two rows whether or not an account uses `email`. Nothing else happens on the
/// request path, so it takes the same time either way (docs/RECOVERY.md, Enumeration); the mail
/// worker resolves the row into a reset link ([`resolve_reset_request`]).
pub fn queue_reset_request(
    conn: &mut PgConnection,
    email: &str,
    expires_at: DateTime<Utc>,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> QueryResult<usize> {
    use diesel::sql_types::{Nullable, Text, Timestamptz};
    diesel::sql_query(
        "WITH u AS (SELECT id FROM users WHERE email = $1), \
         r AS (INSERT INTO mail_outbox (kind, recipient, subject, text_body, html_body, \
               expires_at) VALUES ($2, $1, '', '', '', $3)) \
         INSERT INTO audit_events (kind, user_id, ip, user_agent, detail) \
         SELECT 'password_reset_requested', (SELECT id FROM u), $4, $5, \
                jsonb_build_object('account_found', EXISTS (SELECT 1 FROM u))",
    )
    .bind::<Text, _>(email)
    .bind::<Text, _>(RESET_REQUEST)
    .bind::<Timestamptz, _>(expires_at)
    .bind::<Nullable<Text>, _>(ip)
    .bind::<Nullable<Text>, _>(user_agent)
    .execute(conn)
}

/// Resolves the request row `request_id` for `email`, in one statement: if an account uses the
/// address, its reset token and mail are stored; the request row goes either way. `true` when a
/// mail was queued.
pub fn resolve_reset_request(
    conn: &mut PgConnection,
    request_id: i64,
    email: &str,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
    mail: &crate::mail::Mail,
) -> QueryResult<bool> {
    use diesel::sql_types::{BigInt, Bytea, Integer, Text, Timestamptz};
    #[derive(QueryableByName)]
    struct Queued {
        #[diesel(sql_type = Integer)]
        mails: i32,
    }
    let queued: Queued = diesel::sql_query(
        "WITH u AS (SELECT id, email FROM users WHERE email = $1), \
         t AS (INSERT INTO email_tokens (token_hash, purpose, user_id, email, expires_at) \
               SELECT $2, 'password_reset', id, email, $3 FROM u), \
         m AS (INSERT INTO mail_outbox (kind, recipient, subject, text_body, html_body, \
               expires_at) SELECT $4, email, $5, $6, $7, $3 FROM u RETURNING id), \
         d AS (DELETE FROM mail_outbox WHERE id = $8) \
         SELECT count(*)::int AS mails FROM m",
    )
    .bind::<Text, _>(email)
    .bind::<Bytea, _>(token_hash)
    .bind::<Timestamptz, _>(expires_at)
    .bind::<Text, _>(mail.kind)
    .bind::<Text, _>(&mail.subject)
    .bind::<Text, _>(&mail.text)
    .bind::<Text, _>(&mail.html)
    .bind::<BigInt, _>(request_id)
    .get_result(conn)?;
    Ok(queued.mails > 0)
}
