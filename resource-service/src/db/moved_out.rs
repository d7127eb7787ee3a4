//! Photos whose bytes are still in `photo_contents`, from before the photo store: found one at
//! a time and marked once their bytes are in the store (the move-out task,
//! `photos/move_out.rs`).

use crate::db::schema::{photo_contents, photos};
use diesel::prelude::*;
use uuid::Uuid;

/// One photo still holding its bytes in the database.
#[derive(Debug, Queryable)]
pub struct InDatabase {
    pub id: Uuid,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What the photo's row says once its bytes are in the store: those bytes may differ from the
/// old ones (their metadata stripped), so their hash and size are written again.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = photos, treat_none_as_null = true)]
pub struct MovedOut<'a> {
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumbnail_type: Option<&'a str>,
    pub thumbnail_size: Option<i64>,
    pub bytes_in_db: bool,
}

pub fn next(conn: &mut PgConnection) -> QueryResult<Option<InDatabase>> {
    photos::table
        .inner_join(photo_contents::table)
        .filter(photos::bytes_in_db)
        .select((photos::id, photos::content_type, photo_contents::bytes))
        .order(photos::id)
        .first(conn)
        .optional()
}

/// Points the row at the store and drops the database copy, in the caller's transaction.
pub fn mark(conn: &mut PgConnection, id: Uuid, moved: &MovedOut<'_>) -> QueryResult<()> {
    diesel::update(photos::table.find(id))
        .set(moved)
        .execute(conn)?;
    diesel::delete(photo_contents::table.find(id)).execute(conn)?;
    Ok(())
}
