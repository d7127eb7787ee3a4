//! Queries on `deleted_users`: accounts deleted at auth-service, kept while a token of theirs
//! could still be valid (docs/EVENTS.md, Consequences).

use crate::db::schema::deleted_users;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// Remembers that `user_id` was deleted at `at`.
pub fn remember(conn: &mut PgConnection, user_id: Uuid, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::insert_into(deleted_users::table)
        .values((
            deleted_users::user_id.eq(user_id),
            deleted_users::deleted_at.eq(at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
}

/// The accounts deleted after `since`.
pub fn since(conn: &mut PgConnection, since: DateTime<Utc>) -> QueryResult<Vec<Uuid>> {
    deleted_users::table
        .filter(deleted_users::deleted_at.gt(since))
        .select(deleted_users::user_id)
        .load(conn)
}

/// Forgets the accounts deleted before `before`: no token of theirs is valid any more.
pub fn forget_before(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(deleted_users::table.filter(deleted_users::deleted_at.le(before))).execute(conn)
}
