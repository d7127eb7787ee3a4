//! Moving photos stored before the photo store out of the database (docs/PHOTOS.md, Storage):
//! one at a time, in the background after start. Each is served from the database until its row
//! points at the store. The move strips the metadata those old uploads kept, and makes their
//! thumbnails; one that does not decode is moved as it is, without a thumbnail.

use super::prepare::Prepared;
use super::store::PhotoObjects;
use super::workers::PrepareWorkers;
use super::PhotoError;
use crate::db::moved_out::{self, MovedOut};
use crate::db::{self, objects, DbPool};
use crate::domain::ImageType;
use crate::storage::PhotoStore;
use bytes::Bytes;
use diesel::Connection;
use service_kit::{Background, StopSignal};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How long a failed move waits before the next try (the store or the database was down).
const RETRY_AFTER: Duration = Duration::from_secs(30);

/// What the row will say once its bytes are in the store.
struct Destination {
    objects: PhotoObjects,
    width: Option<i32>,
    height: Option<i32>,
    thumbnail_type: Option<&'static str>,
}

/// Moves one photo out; false when none is left.
pub async fn move_out_one(
    pool: &DbPool,
    store: &PhotoStore,
    workers: &PrepareWorkers,
) -> Result<bool, PhotoError> {
    let next = db::blocking(pool, |conn| moved_out::next(conn).map_err(PhotoError::from));
    let Some(found) = next.await? else {
        return Ok(false);
    };
    let id = found.id;
    // Within the decode budget, like an upload; one that cannot be prepared goes as it is.
    let prepared = match ImageType::sniff(&found.bytes) {
        Some(image) => workers.prepare_bytes(image, found.bytes.clone()).await,
        None => Err(PhotoError::NotAnImage),
    };
    if let Err(PhotoError::WorkerLost) = prepared {
        return Err(PhotoError::WorkerLost);
    }
    let bytes = found.bytes;
    let destination = workers
        .run(move || destination(prepared.ok(), bytes))
        .await?;
    destination.objects.put(store).await?;
    let store = store.clone();
    db::blocking(pool, move |conn| {
        conn.transaction(|conn| {
            let written = &destination.objects;
            objects::lock(conn, &written.sha256)?;
            written.ensure_locked(&store)?;
            let moved = MovedOut {
                sha256: &written.sha256,
                size_bytes: written.original.len() as i64,
                width: destination.width,
                height: destination.height,
                thumbnail_type: destination.thumbnail_type,
                thumbnail_size: written.thumbnail.as_ref().map(|t| t.len() as i64),
                bytes_in_db: false,
            };
            moved_out::mark(conn, id, &moved)?;
            Ok::<_, PhotoError>(())
        })
    })
    .await?;
    log::info!("photo {id}: bytes moved out of the database");
    Ok(true)
}

/// The stripped bytes and a thumbnail when they were prepared, else the bytes as they were.
fn destination(prepared: Option<Prepared>, bytes: Vec<u8>) -> Destination {
    match prepared {
        Some(prepared) => Destination {
            width: i32::try_from(prepared.width).ok(),
            height: i32::try_from(prepared.height).ok(),
            thumbnail_type: Some(prepared.thumbnail.image.mime()),
            objects: PhotoObjects {
                sha256: prepared.sha256,
                original: Bytes::from(prepared.bytes),
                thumbnail: Some(Bytes::from(prepared.thumbnail.bytes)),
            },
        },
        None => Destination {
            width: None,
            height: None,
            thumbnail_type: None,
            objects: PhotoObjects {
                sha256: hex::encode(Sha256::digest(&bytes)),
                original: Bytes::from(bytes),
                thumbnail: None,
            },
        },
    }
}

/// Starts the move as a background task: it runs until no photo is left in the database (or
/// the service stops), and retries after a failure.
pub fn spawn_move_out(
    background: &mut Background,
    pool: DbPool,
    store: PhotoStore,
    workers: PrepareWorkers,
) {
    background.spawn_send("photo-move-out", move |mut stop: StopSignal| async move {
        let mut moved = 0usize;
        while !stop.is_raised() {
            match move_out_one(&pool, &store, &workers).await {
                Ok(true) => moved += 1,
                Ok(false) => break,
                Err(e) => {
                    log::warn!("moving a photo out of the database failed, will retry: {e}");
                    if !stop.sleep(RETRY_AFTER).await {
                        break;
                    }
                }
            }
        }
        if moved > 0 {
            log::info!("{moved} photos moved out of the database into the photo store");
        }
    });
}
