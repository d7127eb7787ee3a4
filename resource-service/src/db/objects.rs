//! What the database knows of the photo store's objects: who names them, the lock that orders
//! an upload against a removal of the same bytes, and the queue of objects to remove.

use crate::db::schema::{photo_object_deletions, photos};
use diesel::prelude::*;
use diesel::sql_types::Text;

/// Holds, until the transaction ends, the lock on the objects named `sha256`. An upload that
/// names them and a cleanup that removes them both take it, so the cleanup never removes bytes
/// a row is about to name (docs/PHOTOS.md, Storage).
pub fn lock(conn: &mut PgConnection, sha256: &str) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended('photo-object:' || $1, 0))")
        .bind::<Text, _>(sha256)
        .execute(conn)?;
    Ok(())
}

/// True when some photo names these objects (its bytes are then in the store, or about to be
/// moved there).
pub fn is_named(conn: &mut PgConnection, sha256: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        photos::table.filter(photos::sha256.eq(sha256)),
    ))
    .get_result(conn)
}

/// Up to `limit` queued removals, oldest first.
pub fn queued(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<String>> {
    photo_object_deletions::table
        .select(photo_object_deletions::sha256)
        .order(photo_object_deletions::queued_at)
        .limit(limit)
        .load(conn)
}

pub fn dequeue(conn: &mut PgConnection, sha256: &str) -> QueryResult<()> {
    diesel::delete(photo_object_deletions::table.find(sha256)).execute(conn)?;
    Ok(())
}
