//! Queries on `mail_outbox`: mails written with the change they report, sent by the mail worker
//! (`crate::mail`), deleted once a mail server accepted them.

use crate::db::schema::mail_outbox;
use crate::mail::Mail;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamptz};

#[derive(Insertable)]
#[diesel(table_name = mail_outbox)]
struct NewMail<'a> {
    kind: &'a str,
    recipient: &'a str,
    subject: &'a str,
    text_body: &'a str,
    html_body: &'a str,
    expires_at: DateTime<Utc>,
}

/// A mail taken for sending. No `Debug`: its body holds a link token.
#[derive(Queryable, QueryableByName)]
#[diesel(table_name = mail_outbox)]
pub struct QueuedMail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attempts: i32,
}

/// Queues `mail` for `recipient`; it is dropped unsent after `expires_at`.
pub fn enqueue(
    conn: &mut PgConnection,
    mail: &Mail,
    recipient: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::insert_into(mail_outbox::table)
        .values(&NewMail {
            kind: mail.kind,
            recipient,
            subject: &mail.subject,
            text_body: &mail.text,
            html_body: &mail.html,
            expires_at,
        })
        .execute(conn)
}

/// Takes up to `limit` due mails and pushes their next attempt to `lease_until`, so another
/// instance (or this one after a crash) sends a mail again only once the lease ran out.
pub fn claim_due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<QueuedMail>> {
    diesel::sql_query(
        "UPDATE mail_outbox SET next_attempt_at = $2 WHERE id IN (\
           SELECT id FROM mail_outbox WHERE next_attempt_at <= $1 AND expires_at > $1 \
           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING id, kind, recipient, subject, text_body, html_body, attempts",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(lease_until)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// A mail server accepted the mail: its row, and the token in its body, go.
pub fn delivered(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(mail_outbox::table.find(id)).execute(conn)
}

/// The attempt failed: try again at `next_attempt_at`. `error` is the transport's message,
/// which names the server and the reply, never the mail.
pub fn failed(
    conn: &mut PgConnection,
    id: i64,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            mail_outbox::next_attempt_at.eq(next_attempt_at),
            mail_outbox::last_error.eq(error),
        ))
        .execute(conn)
}

/// Drops mails whose link expired before they could be sent; returns their kinds.
pub fn drop_expired(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<Vec<String>> {
    diesel::delete(mail_outbox::table.filter(mail_outbox::expires_at.le(now)))
        .returning(mail_outbox::kind)
        .get_results(conn)
}
