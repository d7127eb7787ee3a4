//! Storing a prepared upload (docs/PHOTOS.md, Storage): its objects first, its row last. A
//! crash between the two leaves objects that no row names, which the sweep removes; never a row
//! whose bytes are missing.

use super::prepare::Prepared;
use super::seen::SeenPhoto;
use super::spooled::SpooledFile;
use super::PhotoError;
use crate::db::models::NewPhoto;
use crate::db::{self, known_users, objects, photos, DbPool};
use crate::domain::{Caller, Caption, ImageType};
use crate::storage::{ObjectKind, PhotoStore, StorageError};
use bytes::Bytes;
use diesel::Connection;
use uuid::Uuid;

/// An upload as the form delivered it, before `prepare`: its type sniffed, its file on disk.
#[derive(Debug)]
pub struct Upload {
    pub image: ImageType,
    pub file: SpooledFile,
    pub caption: Option<Caption>,
}

/// The objects of one photo, ready to write.
#[derive(Debug, Clone)]
pub struct PhotoObjects {
    pub sha256: String,
    pub original: Bytes,
    pub thumbnail: Option<Bytes>,
}

impl PhotoObjects {
    /// Writes both objects (again, if they are there: the same name holds the same bytes).
    pub async fn put(&self, store: &PhotoStore) -> Result<(), StorageError> {
        let key = PhotoStore::key(ObjectKind::Original, &self.sha256);
        store.put(&key, self.original.clone()).await?;
        if let Some(thumbnail) = &self.thumbnail {
            let key = PhotoStore::key(ObjectKind::Thumbnail, &self.sha256);
            store.put(&key, thumbnail.clone()).await?;
        }
        Ok(())
    }

    /// Run under `objects::lock`, just before a row names them: a cleanup that removed these
    /// very bytes after `put` (the last other photo of them was deleted just then) has finished,
    /// and they are written back. Usually one `HEAD` per object. Both are looked at: `put` runs
    /// without the lock, so a cleanup may have removed one object before `put` wrote it and the
    /// other after.
    pub fn ensure_locked(&self, store: &PhotoStore) -> Result<(), StorageError> {
        let handle = tokio::runtime::Handle::current();
        let mut kinds = vec![ObjectKind::Original];
        if self.thumbnail.is_some() {
            kinds.push(ObjectKind::Thumbnail);
        }
        let mut all_there = true;
        for kind in kinds {
            let key = PhotoStore::key(kind, &self.sha256);
            all_there &= handle.block_on(store.exists(&key))?;
        }
        if !all_there {
            log::info!(
                "photo object {} was removed meanwhile; writing it again",
                self.sha256
            );
            handle.block_on(self.put(store))?;
        }
        Ok(())
    }
}

/// Stores `prepared` as a photo of `uploader`, within their quota of `quota` photos.
pub async fn store(
    pool: &DbPool,
    store: &PhotoStore,
    uploader: Caller,
    prepared: Prepared,
    caption: Option<Caption>,
    quota: i64,
) -> Result<SeenPhoto, PhotoError> {
    // Refused early when the account is already full, so a full account writes no objects.
    let owner = uploader.id;
    let count = db::blocking(pool, move |conn| {
        photos::count_by_owner(conn, owner).map_err(PhotoError::from)
    });
    if count.await? >= quota {
        return Err(PhotoError::QuotaFull { limit: quota });
    }
    let written = PhotoObjects {
        sha256: prepared.sha256.clone(),
        original: Bytes::from(prepared.bytes),
        thumbnail: Some(Bytes::from(prepared.thumbnail.bytes)),
    };
    written.put(store).await?;
    let thumbnail_size = written.thumbnail.as_ref().map(|t| t.len() as i64);
    let (image, thumbnail_type) = (prepared.image, prepared.thumbnail.image);
    let (width, height) = (prepared.width, prepared.height);
    let store = store.clone();
    let row = db::blocking(pool, move |conn| {
        conn.transaction(|conn| {
            let (id, issued_at) = (uploader.id, uploader.token_issued_at);
            known_users::lock_and_record(conn, id, &uploader.username, issued_at)?;
            objects::lock(conn, &written.sha256)?;
            written.ensure_locked(&store)?;
            let new = NewPhoto {
                id: Uuid::new_v4(),
                owner_id: uploader.id,
                owner_username: &uploader.username,
                caption: caption.as_ref().map(Caption::as_str),
                content_type: image.mime(),
                size_bytes: written.original.len() as i64,
                sha256: &written.sha256,
                width: i32::try_from(width).ok(),
                height: i32::try_from(height).ok(),
                thumbnail_type: Some(thumbnail_type.mime()),
                thumbnail_size,
            };
            photos::insert_within_quota(conn, &new, quota)?
                .ok_or(PhotoError::QuotaFull { limit: quota })
        })
    })
    .await?;
    Ok(SeenPhoto {
        row,
        like_count: 0,
        liked_by_me: false,
    })
}
