//! Removing objects that no photo names (docs/PHOTOS.md, Storage): those of deleted photos soon
//! after (from the queue the delete trigger fills), and those of uploads that stopped between
//! writing their objects and their row once they are older than the grace period (a sweep over
//! the store's listing). Each removal holds the lock an upload of the same bytes takes.

use super::PhotoError;
use crate::db::{self, objects, DbPool};
use crate::storage::{ObjectKind, PhotoStore};
use diesel::{Connection, PgConnection};
use futures_util::TryStreamExt;
use service_kit::{Background, StopSignal};
use std::time::Duration;

/// Objects removed, and objects kept because a photo named them after all.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CleanupReport {
    pub removed: usize,
    pub kept: usize,
}

impl CleanupReport {
    fn add(&mut self, other: CleanupReport) {
        self.removed += other.removed;
        self.kept += other.kept;
    }
}

/// How many names one database checkout handles.
const BATCH: usize = 100;

/// How often the queue of deleted photos' objects is looked at.
const DELETIONS_EVERY: Duration = Duration::from_secs(2);

/// Removes the objects of every photo deleted so far.
pub async fn drain_deletions(
    pool: &DbPool,
    store: &PhotoStore,
) -> Result<CleanupReport, PhotoError> {
    let mut report = CleanupReport::default();
    loop {
        let store = store.clone();
        let (seen, batch) = db::blocking(pool, move |conn| {
            let queued = objects::queued(conn, BATCH as i64)?;
            let batch = remove_unnamed(conn, &store, &queued, true)?;
            Ok::<_, PhotoError>((queued.len(), batch))
        })
        .await?;
        report.add(batch);
        if seen < BATCH {
            return Ok(report);
        }
    }
}

/// Removes objects written before `grace` ago that no photo names. Lists the whole store, a
/// batch of names at a time, so memory does not grow with the store: run it seldom. A name that
/// is kept is counted once per listing it appears in (originals, thumbnails).
pub async fn sweep_orphans(
    pool: &DbPool,
    store: &PhotoStore,
    grace: Duration,
) -> Result<CleanupReport, PhotoError> {
    let cutoff = chrono::Utc::now() - grace;
    let mut report = CleanupReport::default();
    for kind in [ObjectKind::Original, ObjectKind::Thumbnail] {
        let mut batches = store.written_before(kind, cutoff).try_chunks(BATCH);
        while let Some(names) = batches.try_next().await.map_err(|e| e.1)? {
            let store = store.clone();
            let batch = db::blocking(pool, move |conn| {
                remove_unnamed(conn, &store, &names, false)
            })
            .await?;
            report.add(batch);
        }
    }
    Ok(report)
}

/// For each name, under its lock: removes its objects unless a photo names them, and takes it
/// off the deletion queue when `dequeue`.
fn remove_unnamed(
    conn: &mut PgConnection,
    store: &PhotoStore,
    names: &[String],
    dequeue: bool,
) -> Result<CleanupReport, PhotoError> {
    let handle = tokio::runtime::Handle::current();
    let mut report = CleanupReport::default();
    for sha256 in names {
        conn.transaction(|conn| {
            objects::lock(conn, sha256)?;
            if objects::is_named(conn, sha256)? {
                report.kept += 1;
            } else {
                for kind in [ObjectKind::Original, ObjectKind::Thumbnail] {
                    handle.block_on(store.delete(&PhotoStore::key(kind, sha256)))?;
                }
                report.removed += 1;
            }
            if dequeue {
                objects::dequeue(conn, sha256)?;
            }
            Ok::<_, PhotoError>(())
        })?;
    }
    Ok(report)
}

/// Starts both cleanups as background tasks that stop with the service: the deletion queue
/// every two seconds, the orphan sweep every `grace`.
pub fn spawn_cleanup(
    background: &mut Background,
    pool: DbPool,
    store: PhotoStore,
    grace: Duration,
) {
    let (deletions_pool, deletions_store) = (pool.clone(), store.clone());
    background.spawn_send("photo-deletions", move |mut stop: StopSignal| async move {
        while stop.sleep(DELETIONS_EVERY).await {
            match drain_deletions(&deletions_pool, &deletions_store).await {
                Ok(report) if report != CleanupReport::default() => {
                    log::info!("removed the objects of deleted photos: {report:?}")
                }
                Ok(_) => {}
                Err(e) => log::warn!("photo object removal failed, will retry: {e}"),
            }
        }
    });
    background.spawn_send(
        "photo-orphan-sweep",
        move |mut stop: StopSignal| async move {
            while stop.sleep(grace).await {
                match sweep_orphans(&pool, &store, grace).await {
                    Ok(report) => log::info!("photo orphan sweep: {report:?}"),
                    Err(e) => log::warn!("photo orphan sweep failed, will retry: {e}"),
                }
            }
        },
    );
}
