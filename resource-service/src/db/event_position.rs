//! Queries on `event_position`: how far this database has applied the event feed.

use crate::db::schema::event_position;
use diesel::prelude::*;

/// The position applied so far.
pub fn read(conn: &mut PgConnection) -> QueryResult<i64> {
    event_position::table
        .select(event_position::position)
        .first(conn)
}

/// The position, locked until the transaction ends: the instance holding it applies the next
/// page, the others wait and then find it moved.
pub fn lock(conn: &mut PgConnection) -> QueryResult<i64> {
    event_position::table
        .select(event_position::position)
        .for_update()
        .first(conn)
}

pub fn set(conn: &mut PgConnection, position: i64) -> QueryResult<usize> {
    diesel::update(event_position::table)
        .set(event_position::position.eq(position))
        .execute(conn)
}

/// Starts over from the beginning of the log, unless another instance moved on from `stale`.
pub fn restart_from(conn: &mut PgConnection, stale: i64) -> QueryResult<usize> {
    diesel::update(event_position::table.filter(event_position::position.eq(stale)))
        .set(event_position::position.eq(0))
        .execute(conn)
}
