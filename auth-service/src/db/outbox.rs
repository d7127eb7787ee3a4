//! Queries on `mail_outbox`: mails written with the change they report, sent by the mail worker
//! (the mail workers), deleted once a mail server accepted them.
//!
//! Two sorts of rows (docs/RECOVERY.md, Mail delivery). A notice (no link in it) is stored rendered.
//! A mail that carries a link is stored as a request only, with an empty body: the worker makes
//! its token and renders it when it sends it, so no row ever holds a usable link.

use crate::db::schema::mail_outbox;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Timestamptz};
use uuid::Uuid;

/// A `forgot` request: resolved when sent into a reset link, or into nothing for an address no
/// account uses.
pub const RESET_REQUEST: &str = "password_reset_request";
/// The link that verifies an address: the account's own, or the one it asked to change to.
pub const VERIFICATION_REQUEST: &str = "email_verification";
/// The notice of an email change to the current address, with the link that cancels it.
pub const CHANGE_NOTICE_REQUEST: &str = "email_change_requested";

/// Mails that go out in their own lane, so nothing else waits in front of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Reset links: someone is locked out now.
    Reset,
    /// Everything else.
    Other,
}

/// A row to queue: a rendered notice, or (empty bodies and a `user_id`) a link mail made when
/// it is sent.
#[derive(Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct NewMail<'a> {
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub expires_at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
}

/// A mail taken for sending. No `Debug`: a notice's body names the account's addresses.
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
    pub user_id: Option<Uuid>,
}

/// Queues a rendered notice; it is dropped unsent after its `expires_at`.
pub fn enqueue(conn: &mut PgConnection, mail: &NewMail<'_>) -> QueryResult<usize> {
    diesel::insert_into(mail_outbox::table)
        .values(mail)
        .execute(conn)
}

/// Queues a mail of `kind` whose link is made when it is sent.
pub fn enqueue_link(
    conn: &mut PgConnection,
    kind: &'static str,
    recipient: &str,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::insert_into(mail_outbox::table)
        .values(&NewMail {
            kind,
            recipient,
            subject: "",
            text_body: "",
            html_body: "",
            expires_at,
            user_id: Some(user_id),
        })
        .execute(conn)
}

/// Unsent link mails of `kind` for the account go: a newer request or a new password replaces
/// them.
pub fn drop_links(conn: &mut PgConnection, user_id: Uuid, kind: &str) -> QueryResult<usize> {
    diesel::delete(
        mail_outbox::table
            .filter(mail_outbox::user_id.eq(user_id))
            .filter(mail_outbox::kind.eq(kind)),
    )
    .execute(conn)
}

/// Takes up to `limit` due mails of `lane` and pushes their next attempt to `lease_until`, so
/// another instance (or this one after a crash) sends a mail again only once the lease ran out.
pub fn claim_due(
    conn: &mut PgConnection,
    lane: Lane,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<QueuedMail>> {
    diesel::sql_query(
        "UPDATE mail_outbox SET next_attempt_at = $2 WHERE id IN (\
           SELECT id FROM mail_outbox WHERE next_attempt_at <= $1 AND expires_at > $1 \
           AND (kind = 'password_reset_request') = $4 \
           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING id, kind, recipient, subject, text_body, html_body, attempts, user_id",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(lease_until)
    .bind::<BigInt, _>(limit)
    .bind::<Bool, _>(lane == Lane::Reset)
    .load(conn)
}

/// A mail server accepted the mail (or refused it for good): its row goes.
pub fn delivered(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(mail_outbox::table.find(id)).execute(conn)
}

/// The attempt failed: try again at `next_attempt_at`. `error` is the transport's message
/// without the recipient (the mail transport).
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

/// How many mails wait, and when the oldest of them was queued: the outbox's gauges.
pub fn depth(conn: &mut PgConnection) -> QueryResult<(i64, Option<DateTime<Utc>>)> {
    mail_outbox::table
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(mail_outbox::created_at),
        ))
        .first(conn)
}
