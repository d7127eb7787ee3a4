//! `Photo` of docs/API.md as one viewer sees it, and the page `GET /photos` answers with: the
//! types are `photo-auth-types`', shared with the client; what fills them is here.

use crate::photos::{Page, SeenPhoto};

pub use photo_auth_types::{PhotoPage, PhotoView};

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

impl From<Page> for PhotoPage {
    fn from(page: Page) -> Self {
        Self {
            photos: page.photos.into_iter().map(PhotoView::from).collect(),
            next_cursor: page.next_cursor.map(|cursor| cursor.encode()),
        }
    }
}
