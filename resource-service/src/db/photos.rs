//! Queries on `photos` and `photo_contents`.

use crate::db::models::{ContentMeta, NewPhoto, NewPhotoContent, PhotoRow};
use crate::db::schema::{photo_contents, photos};
use crate::domain::PhotoCursor;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// Stores the metadata and the bytes of a photo in one transaction: both or neither.
pub fn insert(
    conn: &mut PgConnection,
    photo: &NewPhoto<'_>,
    bytes: &[u8],
) -> QueryResult<PhotoRow> {
    conn.transaction(|conn| {
        let row = diesel::insert_into(photos::table)
            .values(photo)
            .returning(PhotoRow::as_returning())
            .get_result(conn)?;
        diesel::insert_into(photo_contents::table)
            .values(&NewPhotoContent {
                photo_id: row.id,
                bytes,
            })
            .execute(conn)?;
        Ok(row)
    })
}

/// Stores the photo unless its owner already has `quota` photos (`Ok(None)`). `lock_owner` runs
/// first in the same transaction and must lock a row of the owner's, so parallel uploads of one
/// owner are counted one after another.
pub fn insert_within_quota(
    conn: &mut PgConnection,
    photo: &NewPhoto<'_>,
    bytes: &[u8],
    quota: i64,
    lock_owner: impl FnOnce(&mut PgConnection) -> QueryResult<()>,
) -> QueryResult<Option<PhotoRow>> {
    conn.transaction(|conn| {
        lock_owner(conn)?;
        if count_by_owner(conn, photo.owner_id)? >= quota {
            return Ok(None);
        }
        insert(conn, photo, bytes).map(Some)
    })
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

pub fn content_bytes(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<u8>> {
    photo_contents::table
        .find(id)
        .select(photo_contents::bytes)
        .first(conn)
}

/// Deletes the photo; its bytes and likes go with it, and an avatar pointing at it is cleared
/// (all by foreign keys). True when it existed.
pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<bool> {
    let deleted = diesel::delete(photos::table.find(id)).execute(conn)?;
    Ok(deleted == 1)
}
