//! Queries on `photo_likes`. The primary key (photo_id, user_id) makes a like unique; liking twice
//! is a no-op, not an error.

use crate::db::schema::photo_likes;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Records that `user_id` likes `photo_id`; true when it was new.
pub fn like(conn: &mut PgConnection, photo_id: Uuid, user_id: Uuid) -> QueryResult<bool> {
    let inserted = diesel::insert_into(photo_likes::table)
        .values((
            photo_likes::photo_id.eq(photo_id),
            photo_likes::user_id.eq(user_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(inserted == 1)
}

/// Removes the like, if any; true when there was one.
pub fn unlike(conn: &mut PgConnection, photo_id: Uuid, user_id: Uuid) -> QueryResult<bool> {
    let deleted = diesel::delete(photo_likes::table.find((photo_id, user_id))).execute(conn)?;
    Ok(deleted == 1)
}

/// Like counts of `photo_ids`; photos nobody likes are absent.
pub fn counts(conn: &mut PgConnection, photo_ids: &[Uuid]) -> QueryResult<HashMap<Uuid, i64>> {
    if photo_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = photo_likes::table
        .filter(photo_likes::photo_id.eq_any(photo_ids))
        .group_by(photo_likes::photo_id)
        .select((photo_likes::photo_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Which of `photo_ids` `user_id` likes.
pub fn liked_by(
    conn: &mut PgConnection,
    user_id: Uuid,
    photo_ids: &[Uuid],
) -> QueryResult<HashSet<Uuid>> {
    if photo_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<Uuid> = photo_likes::table
        .filter(photo_likes::user_id.eq(user_id))
        .filter(photo_likes::photo_id.eq_any(photo_ids))
        .select(photo_likes::photo_id)
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
