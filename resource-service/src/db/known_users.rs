//! Queries on `known_users`: the newest username seen for each user id.

use crate::db::schema::known_users;
use chrono::DateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamptz, Uuid as SqlUuid};
use std::collections::HashMap;
use uuid::Uuid;

/// Records `username` for `user_id` as seen in a token issued at `iat` (Unix seconds), unless a
/// newer token already said otherwise, and locks the user's row until the transaction ends.
/// (`ON CONFLICT DO UPDATE` locks the row even when its `WHERE` leaves it unchanged.)
pub fn lock_and_record(
    conn: &mut PgConnection,
    user_id: Uuid,
    username: &str,
    iat: i64,
) -> QueryResult<()> {
    let seen_at = DateTime::from_timestamp(iat, 0).unwrap_or(DateTime::UNIX_EPOCH);
    diesel::sql_query(
        "INSERT INTO known_users (user_id, username, seen_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE \
         SET username = EXCLUDED.username, seen_at = EXCLUDED.seen_at \
         WHERE known_users.seen_at < EXCLUDED.seen_at \
           AND known_users.username <> EXCLUDED.username",
    )
    .bind::<SqlUuid, _>(user_id)
    .bind::<Text, _>(username)
    .bind::<Timestamptz, _>(seen_at)
    .execute(conn)
    .map(|_| ())
}

/// The current usernames of `ids` (those ever seen).
pub fn usernames(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, String>> {
    known_users::table
        .filter(known_users::user_id.eq_any(ids))
        .select((known_users::user_id, known_users::username))
        .load::<(Uuid, String)>(conn)
        .map(|rows| rows.into_iter().collect())
}
