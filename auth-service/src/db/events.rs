//! Queries on `events`: the log of changes other systems hear of (docs/EVENTS.md). An event is
//! written by `record_event` in the migration, always as the last statement of the transaction of
//! the change it reports, so its position (`seq`) is the order of commits.

use crate::db::models::UserRow;
use crate::db::schema::events;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb, Text, Uuid as SqlUuid};
use serde_json::{json, Value};
use uuid::Uuid;

/// What happened, by its name in the log, the feed and the webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    UserCreated,
    UserUpdated,
    UserDeleted,
    SessionRevoked,
    SessionsRevoked,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserCreated => "user.created",
            Self::UserUpdated => "user.updated",
            Self::UserDeleted => "user.deleted",
            Self::SessionRevoked => "session.revoked",
            Self::SessionsRevoked => "sessions.revoked",
        }
    }
}

/// One event as stored: `data` holds ids, names, the address and reasons, never a secret.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events, check_for_backend(diesel::pg::Pg))]
pub struct EventRow {
    pub seq: i64,
    pub id: Uuid,
    pub kind: String,
    pub user_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub data: Value,
}

#[derive(QueryableByName)]
struct Recorded {
    #[diesel(sql_type = BigInt)]
    record_event: i64,
}

/// Records `kind` about `user_id`; its position in the log. Call it last in the transaction.
fn record(
    conn: &mut PgConnection,
    kind: EventKind,
    user_id: Uuid,
    data: Value,
) -> QueryResult<i64> {
    diesel::sql_query("SELECT record_event($1, $2, $3)")
        .bind::<Text, _>(kind.as_str())
        .bind::<SqlUuid, _>(user_id)
        .bind::<Jsonb, _>(data)
        .get_result::<Recorded>(conn)
        .map(|r| r.record_event)
}

/// What the events about an account show of it: never the password hash or the pending address.
fn public_user(user: &UserRow) -> Value {
    json!({
        "user_id": user.id,
        "username": user.username,
        "name": user.full_name,
        "email": user.email,
        "email_verified": user.email_verified,
    })
}

/// `user.created`: the account as it was registered.
pub fn user_created(conn: &mut PgConnection, user: &UserRow) -> QueryResult<i64> {
    record(conn, EventKind::UserCreated, user.id, public_user(user))
}

/// `user.updated`, when one of the fields the events show changed from `before` to `after`;
/// `None` when none did (a bio is not ours, a pending address is not yet the account's).
pub fn user_updated(
    conn: &mut PgConnection,
    before: &UserRow,
    after: &UserRow,
) -> QueryResult<Option<i64>> {
    let mut changed = Vec::new();
    if before.username != after.username {
        changed.push("username");
    }
    if before.full_name != after.full_name {
        changed.push("name");
    }
    if before.email != after.email {
        changed.push("email");
    }
    if before.email_verified != after.email_verified {
        changed.push("email_verified");
    }
    if changed.is_empty() {
        return Ok(None);
    }
    let mut data = public_user(after);
    data["changed"] = json!(changed);
    record(conn, EventKind::UserUpdated, after.id, data).map(Some)
}

/// `user.deleted`: every token of the account is void from now on.
pub fn user_deleted(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<i64> {
    record(
        conn,
        EventKind::UserDeleted,
        user_id,
        json!({ "user_id": user_id }),
    )
}

/// `session.revoked`: one session ended before its time.
pub fn session_revoked(
    conn: &mut PgConnection,
    user_id: Uuid,
    session_id: Uuid,
    reason: &str,
) -> QueryResult<i64> {
    record(
        conn,
        EventKind::SessionRevoked,
        user_id,
        json!({ "user_id": user_id, "session_id": session_id, "reason": reason }),
    )
}

/// The most session ids one `sessions.revoked` event names. An account may have any number of
/// sessions; more make several events, so no event (and no page of the feed) grows with them.
pub const SESSIONS_PER_EVENT: usize = 100;

/// `sessions.revoked`: several (or all) of the user's sessions ended at once, in events of at most
/// [`SESSIONS_PER_EVENT`]; nothing is recorded when there was none to end.
pub fn sessions_revoked(
    conn: &mut PgConnection,
    user_id: Uuid,
    session_ids: &[Uuid],
    reason: &str,
) -> QueryResult<Option<i64>> {
    let mut last = None;
    for chunk in session_ids.chunks(SESSIONS_PER_EVENT) {
        let data = json!({ "user_id": user_id, "session_ids": chunk, "reason": reason });
        last = Some(record(conn, EventKind::SessionsRevoked, user_id, data)?);
    }
    Ok(last)
}

/// Up to `limit` events after position `after`, in order.
pub fn after(conn: &mut PgConnection, after: i64, limit: i64) -> QueryResult<Vec<EventRow>> {
    events::table
        .filter(events::seq.gt(after))
        .order(events::seq)
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)
}

/// The position just before the first event at or after `since`: where a reader that only needs
/// what happened since then starts. The head when nothing did.
pub fn position_before(conn: &mut PgConnection, since: DateTime<Utc>) -> QueryResult<i64> {
    let first: Option<i64> = events::table
        .filter(events::occurred_at.ge(since))
        .select(diesel::dsl::min(events::seq))
        .first(conn)?;
    match first {
        Some(seq) => Ok(seq - 1),
        None => head(conn),
    }
}

#[derive(QueryableByName)]
struct LastDrawn {
    #[diesel(sql_type = BigInt)]
    last: i64,
}

/// The last position ever drawn, whether or not its event is still kept (0 before the first):
/// a reader's position beyond it comes from a log that was since restored or reset.
pub fn last_drawn(conn: &mut PgConnection) -> QueryResult<i64> {
    diesel::sql_query(
        "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS last FROM events_seq_seq",
    )
    .get_result::<LastDrawn>(conn)
    .map(|row| row.last)
}

/// The position of the newest event; 0 for an empty log.
pub fn head(conn: &mut PgConnection) -> QueryResult<i64> {
    events::table
        .select(diesel::dsl::max(events::seq))
        .first::<Option<i64>>(conn)
        .map(|seq| seq.unwrap_or(0))
}
