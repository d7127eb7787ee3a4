//! Storing a checked upload: the row built from the stripped bytes, the dimensions and the
//! uploader's token, within the owner's quota.

use super::image_check::CheckedUpload;
use super::seen::SeenPhoto;
use super::PhotoError;
use crate::db::models::NewPhoto;
use crate::db::{known_users, photos};
use crate::domain::{Caption, ImageType};
use diesel::pg::PgConnection;
use sha2::{Digest, Sha256};
use shared_tokens::AccessClaims;
use uuid::Uuid;

/// An upload as read from the request: an image of a known type, and an optional caption.
#[derive(Debug)]
pub struct Upload {
    pub image: ImageType,
    pub bytes: Vec<u8>,
    pub caption: Option<Caption>,
}

/// Stores the checked and stripped `checked` as the uploader's photo, unless they already keep
/// `quota` photos. The uploader's `known_users` row is locked first, in the same transaction, so
/// parallel uploads of one owner are counted one after another.
pub fn store(
    conn: &mut PgConnection,
    uploader: &AccessClaims,
    checked: &CheckedUpload,
    quota: i64,
) -> Result<SeenPhoto, PhotoError> {
    let upload = &checked.upload;
    let sha256 = hex::encode(Sha256::digest(&upload.bytes));
    // A Vec never holds more than isize::MAX bytes, so this never saturates.
    let size_bytes = i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX);
    let new = NewPhoto {
        id: Uuid::new_v4(),
        owner_id: uploader.sub,
        owner_username: &uploader.username,
        caption: upload.caption.as_ref().map(Caption::as_str),
        content_type: upload.image.mime(),
        size_bytes,
        sha256: &sha256,
        // At most `MAX_SIDE` pixels, far below i32::MAX.
        width: i32::try_from(checked.width).ok(),
        height: i32::try_from(checked.height).ok(),
    };
    let row = photos::insert_within_quota(conn, &new, &upload.bytes, quota, |conn| {
        known_users::lock_and_record(conn, uploader.sub, &uploader.username, uploader.iat)
    })?
    .ok_or(PhotoError::QuotaFull { limit: quota })?;
    // Nobody likes a photo yet that was stored a moment ago.
    Ok(SeenPhoto {
        row,
        like_count: 0,
        liked_by_me: false,
    })
}
