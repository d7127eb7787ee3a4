//! A photo's bytes or its thumbnail: what the database says about them (type, size, the tag
//! that names their version, where they are) and then the bytes themselves, streamed from the
//! store, whole or a range of them.

use super::content_cache::ContentCache;
use super::hot_objects::HotObjects;
use super::PhotoError;
use crate::db::{self, photos, DbPool};
use crate::storage::{ObjectKind, ObjectStream, PhotoStore, StorageError};
use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path;
use std::ops::Range;
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Which {
    Original,
    Thumbnail,
}

#[derive(Debug, Clone)]
pub enum Source {
    /// A photo from before the photo store, not yet moved out (`move_out.rs`).
    Database(Uuid),
    Store(Path),
}

/// What is known of one photo's bytes before reading any.
#[derive(Debug, Clone)]
pub struct Content {
    pub content_type: String,
    pub size: u64,
    /// Changes whenever the bytes do: the SHA-256 of the original, with a suffix for the
    /// thumbnail.
    pub tag: String,
    pub source: Source,
}

impl Content {
    /// True when the bytes behind this id never change: the store's are named by their hash;
    /// those still in the database will be stripped of metadata when they move.
    pub fn is_immutable(&self) -> bool {
        matches!(self.source, Source::Store(_))
    }
}

/// What the content endpoint needs to decide between 200, 206 and 304, from `cache` when it has
/// it. `NotFound` for a photo that has no thumbnail.
pub async fn find_content(
    pool: &DbPool,
    cache: &ContentCache,
    id: Uuid,
    which: Which,
) -> Result<Arc<Content>, PhotoError> {
    if let Some(content) = cache.get(id, which) {
        return Ok(content);
    }
    let content = Arc::new(look_up(pool, id, which).await?);
    cache.keep(id, which, &content);
    Ok(content)
}

async fn look_up(pool: &DbPool, id: Uuid, which: Which) -> Result<Content, PhotoError> {
    let meta = db::blocking(pool, move |conn| {
        photos::content_meta(conn, id).map_err(PhotoError::from)
    })
    .await?;
    let key = |kind| PhotoStore::key(kind, &meta.sha256);
    match which {
        Which::Original => Ok(Content {
            source: if meta.bytes_in_db {
                Source::Database(id)
            } else {
                Source::Store(key(ObjectKind::Original))
            },
            content_type: meta.content_type,
            size: meta.size_bytes.unsigned_abs(),
            tag: meta.sha256,
        }),
        Which::Thumbnail => match (meta.bytes_in_db, meta.thumbnail_type, meta.thumbnail_size) {
            (false, Some(content_type), Some(size)) => Ok(Content {
                source: Source::Store(key(ObjectKind::Thumbnail)),
                content_type,
                size: size.unsigned_abs(),
                tag: format!("{}.thumbnail", meta.sha256),
            }),
            _ => Err(PhotoError::NotFound),
        },
    }
}

/// A photo's bytes as read: whole in memory, or a stream of chunks from the store.
pub enum ContentBody {
    Memory(Bytes),
    Stream(ObjectStream),
}

/// The bytes of `content`, or the `range` of them: a small object from memory when `hot` has
/// it (and kept there when it had not), a larger one streamed.
pub async fn read_content(
    pool: &DbPool,
    store: &PhotoStore,
    hot: &HotObjects,
    content: &Content,
    range: Option<Range<u64>>,
) -> Result<ContentBody, PhotoError> {
    match &content.source {
        Source::Store(key) if HotObjects::takes(content.size) => {
            let bytes = match hot.get(key) {
                Some(bytes) => bytes,
                None => {
                    let bytes = whole(read_object(store, key, None).await?).await?;
                    hot.keep(key, bytes.clone());
                    bytes
                }
            };
            Ok(ContentBody::Memory(part_of(bytes, range)))
        }
        Source::Store(key) => Ok(ContentBody::Stream(read_object(store, key, range).await?)),
        Source::Database(id) => {
            let id = *id;
            let bytes = db::blocking(pool, move |conn| {
                photos::content_bytes(conn, id).map_err(PhotoError::from)
            })
            .await?;
            Ok(ContentBody::Memory(part_of(Bytes::from(bytes), range)))
        }
    }
}

async fn read_object(
    store: &PhotoStore,
    key: &Path,
    range: Option<Range<u64>>,
) -> Result<ObjectStream, PhotoError> {
    match store.read(key, range).await {
        Ok(stream) => Ok(stream),
        // The photo was deleted (on another instance, whose delete this one's cache has not
        // seen yet) and its objects removed since.
        Err(StorageError::NotFound) => Err(PhotoError::NotFound),
        Err(other) => Err(other.into()),
    }
}

/// A small object's chunks joined.
async fn whole(stream: ObjectStream) -> Result<Bytes, PhotoError> {
    let chunks: Vec<Bytes> = stream.try_collect().await?;
    Ok(match <[Bytes; 1]>::try_from(chunks) {
        Ok([one]) => one,
        Err(chunks) => Bytes::from(chunks.concat()),
    })
}

/// `range` of `bytes`, clamped to them.
fn part_of(bytes: Bytes, range: Option<Range<u64>>) -> Bytes {
    match range {
        Some(range) => {
            let end = usize::try_from(range.end).map_or(bytes.len(), |e| e.min(bytes.len()));
            let start = usize::try_from(range.start).map_or(end, |s| s.min(end));
            bytes.slice(start..end)
        }
        None => bytes,
    }
}
