//! `Photo` of docs/API.md as one viewer sees it, and the page `GET /photos` answers with.

use crate::photos::{Page, SeenPhoto};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// `Photo` of docs/API.md, as one viewer sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Photo)]
pub struct PhotoView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub owner_username: String,
    pub caption: Option<String>,
    /// `image/jpeg`, `image/png`, `image/gif` or `image/webp`.
    pub content_type: String,
    /// Bytes of the stored file, after its metadata was stripped.
    pub size_bytes: i64,
    /// In pixels; `null` for photos uploaded before dimensions were recorded.
    pub width: Option<i32>,
    /// In pixels; `null` for photos uploaded before dimensions were recorded.
    pub height: Option<i32>,
    pub like_count: i64,
    pub liked_by_me: bool,
    pub created_at: DateTime<Utc>,
    /// Where the image bytes are: `/photos/{id}/content`.
    pub content_url: String,
    /// Where its thumbnail is (at most 320 pixels on the long side): `/photos/{id}/thumbnail`;
    /// `null` while the photo has none (one stored before thumbnails, not yet moved to the
    /// photo store).
    pub thumbnail_url: Option<String>,
}

impl From<SeenPhoto> for PhotoView {
    fn from(seen: SeenPhoto) -> Self {
        let row = seen.row;
        Self {
            content_url: format!("/photos/{}/content", row.id),
            thumbnail_url: row
                .thumbnail_type
                .as_ref()
                .map(|_| format!("/photos/{}/thumbnail", row.id)),
            id: row.id,
            owner_id: row.owner_id,
            owner_username: row.owner_username,
            caption: row.caption,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            width: row.width,
            height: row.height,
            like_count: seen.like_count,
            liked_by_me: seen.liked_by_me,
            created_at: row.created_at,
        }
    }
}

/// One page of photos, newest first; `next_cursor` is `null` on the last page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoPage {
    photos: Vec<PhotoView>,
    next_cursor: Option<String>,
}

impl From<Page> for PhotoPage {
    fn from(page: Page) -> Self {
        Self {
            photos: page.photos.into_iter().map(PhotoView::from).collect(),
            next_cursor: page.next_cursor.map(|cursor| cursor.encode()),
        }
    }
}
