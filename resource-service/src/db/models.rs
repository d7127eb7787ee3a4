//! Row structs (what a query returns) and insert forms (what a write takes), checked for Pg.

use crate::db::schema::{photos, profiles};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// A photo's metadata; its bytes are in the photo store, named by `sha256` (`storage/`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = photos, check_for_backend(diesel::pg::Pg))]
pub struct PhotoRow {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub owner_username: String,
    pub caption: Option<String>,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    /// In pixels; `None` for photos stored before dimensions were recorded.
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// The thumbnail's type; `None` while a photo has none (one that does not decode fully, or
    /// one whose bytes are still being moved out of the database).
    pub thumbnail_type: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = photos)]
pub struct NewPhoto<'a> {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub owner_username: &'a str,
    pub caption: Option<&'a str>,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumbnail_type: Option<&'a str>,
    pub thumbnail_size: Option<i64>,
}

/// What the content endpoint needs before deciding whether to read the bytes at all.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = photos, check_for_backend(diesel::pg::Pg))]
pub struct ContentMeta {
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Still in `photo_contents`, not yet moved out to the photo store.
    pub bytes_in_db: bool,
    pub thumbnail_type: Option<String>,
    pub thumbnail_size: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = profiles, check_for_backend(diesel::pg::Pg))]
pub struct ProfileRow {
    pub user_id: Uuid,
    pub bio: Option<String>,
    pub avatar_photo_id: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

/// A partial update: `None` leaves a column alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = profiles)]
pub struct ProfileChanges<'a> {
    pub bio: Option<Option<&'a str>>,
    pub avatar_photo_id: Option<Option<Uuid>>,
}
