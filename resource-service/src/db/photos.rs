//! Queries on `photos`, and on `photo_contents`, where bytes stored before the photo store
//! existed wait to be moved out (`moved_out.rs`).

use crate::db::models::{ContentMeta, NewPhoto, PhotoRow};
use crate::db::schema::{photo_contents, photos};
use crate::domain::PhotoCursor;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// Stores the photo's row unless its owner already has `quota` photos (`Ok(None)`). Run inside
/// a transaction that first locked a row of the owner's, so parallel uploads of one owner are
/// counted one after another.
pub fn insert_within_quota(
    conn: &mut PgConnection,
    photo: &NewPhoto<'_>,
    quota: i64,
) -> QueryResult<Option<PhotoRow>> {
    if count_by_owner(conn, photo.owner_id)? >= quota {
        return Ok(None);
    }
    diesel::insert_into(photos::table)
        .values(photo)
        .returning(PhotoRow::as_returning())
        .get_result(conn)
        .map(Some)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<PhotoRow> {
    photos::table
        .find(id)
        .select(PhotoRow::as_select())
        .first(conn)
}

/// Up to `limit` photos, newest first, strictly after `after` in that order (keyset pagination:
/// the row comparison walks the `(created_at DESC, id DESC)` index, no OFFSET).
pub fn list(
    conn: &mut PgConnection,
    owner: Option<Uuid>,
    after: Option<&PhotoCursor>,
    limit: i64,
) -> QueryResult<Vec<PhotoRow>> {
    let mut query = photos::table
        .select(PhotoRow::as_select())
        .order((photos::created_at.desc(), photos::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(owner) = owner {
        query = query.filter(photos::owner_id.eq(owner));
    }
    if let Some(cursor) = after {
        query = query.filter(
            sql::<Bool>("(photos.created_at, photos.id) < (")
                .bind::<Timestamptz, _>(cursor.created_at())
                .sql(", ")
                .bind::<SqlUuid, _>(cursor.id())
                .sql(")"),
        );
    }
    query.load(conn)
}

pub fn count_by_owner(conn: &mut PgConnection, owner: Uuid) -> QueryResult<i64> {
    photos::table
        .filter(photos::owner_id.eq(owner))
        .count()
        .get_result(conn)
}

pub fn content_meta(conn: &mut PgConnection, id: Uuid) -> QueryResult<ContentMeta> {
    photos::table
        .find(id)
        .select(ContentMeta::as_select())
        .first(conn)
}

/// The bytes of a photo not yet moved out of the database.
pub fn content_bytes(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<u8>> {
    photo_contents::table
        .find(id)
        .select(photo_contents::bytes)
        .first(conn)
}

/// Deletes the photo: its likes go with it and an avatar pointing at it is cleared (foreign
/// keys), its objects are queued for removal (a trigger). True when it existed.
pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<bool> {
    let deleted = diesel::delete(photos::table.find(id)).execute(conn)?;
    Ok(deleted == 1)
}
