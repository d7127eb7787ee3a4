//! Queries on `email_tokens`: the hashed, single-use tokens of mailed links.

use crate::db::schema::email_tokens;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

pub const PASSWORD_RESET: &str = "password_reset";
pub const EMAIL_VERIFICATION: &str = "email_verification";
/// The link in the notice of an email change, mailed to the address being replaced.
pub const EMAIL_CHANGE_CANCEL: &str = "email_change_cancel";

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
/// and verification links are void (a thief may have asked for them); after an email change,
/// older verification links are.
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
    .bind::<Text, _>(crate::db::outbox::RESET_REQUEST)
    .bind::<Timestamptz, _>(expires_at)
    .bind::<Nullable<Text>, _>(ip)
    .bind::<Nullable<Text>, _>(user_agent)
    .execute(conn)
}

/// A token just made for a link mail, stored when the mail is sent; what it is for.
pub struct Minted {
    pub user_id: Uuid,
    /// For a cancel link: the address the account asked to change to.
    pub pending_email: Option<String>,
}

/// Stores the hash of a token made for the link mail of `kind` (an outbox kind, see
/// `crate::db::outbox`) to `recipient`, if the account still wants that mail; `None` when it does
/// not (no account uses the address, the change was cancelled or replaced, the address was
/// verified meanwhile), and then no mail goes.
pub fn mint(
    conn: &mut PgConnection,
    kind: &str,
    recipient: &str,
    user_id: Option<Uuid>,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> QueryResult<Option<Minted>> {
    use crate::db::outbox::{CHANGE_NOTICE_REQUEST, RESET_REQUEST, VERIFICATION_REQUEST};
    use diesel::sql_types::{Bytea, Nullable, Text, Timestamptz, Uuid as SqlUuid};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        user_id: Uuid,
        #[diesel(sql_type = Nullable<Text>)]
        pending_email: Option<String>,
    }
    // Which account wants the mail, as one condition on `users` per kind.
    let (purpose, wanted) = match kind {
        RESET_REQUEST => (PASSWORD_RESET, "email = $1"),
        VERIFICATION_REQUEST => (
            EMAIL_VERIFICATION,
            "id = $2 AND (pending_email = $1 OR (email = $1 AND NOT email_verified))",
        ),
        CHANGE_NOTICE_REQUEST => (
            EMAIL_CHANGE_CANCEL,
            "id = $2 AND email = $1 AND pending_email IS NOT NULL",
        ),
        _ => return Ok(None),
    };
    let row: Option<Row> = diesel::sql_query(format!(
        "WITH u AS (SELECT id, pending_email FROM users WHERE {wanted}), \
         t AS (INSERT INTO email_tokens (token_hash, purpose, user_id, email, expires_at) \
               SELECT $3, $4, id, $1, $5 FROM u) \
         SELECT id AS user_id, pending_email FROM u"
    ))
    .bind::<Text, _>(recipient)
    .bind::<Nullable<SqlUuid>, _>(user_id)
    .bind::<Bytea, _>(token_hash)
    .bind::<Text, _>(purpose)
    .bind::<Timestamptz, _>(expires_at)
    .get_result(conn)
    .optional()?;
    Ok(row.map(|row| Minted {
        user_id: row.user_id,
        pending_email: row.pending_email,
    }))
}

/// A token whose mail did not go out is retired: nobody received it.
pub fn retire_unsent(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::token_hash.eq(token_hash))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(now))
    .execute(conn)
}
