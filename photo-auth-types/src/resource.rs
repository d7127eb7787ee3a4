//! resource-service's bodies (docs/API.md, resource-service, Bodies).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `Photo` of docs/API.md, as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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

/// One page of photos, newest first; `next_cursor` is `null` on the last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhotoPage {
    pub photos: Vec<PhotoView>,
    pub next_cursor: Option<String>,
}

/// `Profile` of docs/API.md: the token's identity plus what is stored (defaults until first saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Profile)]
pub struct ProfileView {
    pub user_id: Uuid,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub roles: Vec<String>,
    pub bio: Option<String>,
    pub avatar_photo_id: Option<Uuid>,
    pub photo_count: i64,
    /// `null` until the profile is first saved.
    pub updated_at: Option<DateTime<Utc>>,
}
