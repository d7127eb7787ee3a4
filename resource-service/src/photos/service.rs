//! `Photos`: the photo work one instance does, with everything it needs (the pool, the photo
//! store, the serving caches, the upload limits, the prepare threads, the upload counters).
//! Registered once as `web::Data<Photos>`; each handler makes one call on it. The database steps
//! are small sync functions run through `db::blocking`; the upload is in `upload.rs`, serving
//! the bytes in `serving.rs`.

use super::content_cache::ServingCaches;
use super::likes;
use super::listing::{self, Page, PageQuery};
use super::removal::delete_as;
use super::seen::{find_seen_by, SeenPhoto};
use super::upload::UploadLimits;
use super::workers::PrepareWorkers;
use super::PhotoError;
use crate::db::{self, DbPool};
use crate::domain::Caller;
use crate::metrics::ResourceMetrics;
use crate::storage::PhotoStore;
use uuid::Uuid;

pub struct Photos {
    pub(super) pool: DbPool,
    pub(super) store: PhotoStore,
    pub(super) caches: ServingCaches,
    pub(super) limits: UploadLimits,
    pub(super) workers: PrepareWorkers,
    pub(super) metrics: ResourceMetrics,
}

impl Photos {
    pub fn new(
        pool: DbPool,
        store: PhotoStore,
        limits: UploadLimits,
        workers: PrepareWorkers,
        metrics: ResourceMetrics,
    ) -> Self {
        Self {
            pool,
            store,
            caches: ServingCaches::default(),
            limits,
            workers,
            metrics,
        }
    }

    /// The page `query` asks for, newest first, as `caller` sees it.
    pub async fn page(&self, caller: &Caller, query: PageQuery) -> Result<Page, PhotoError> {
        let caller = caller.clone();
        db::blocking(&self.pool, move |conn| {
            Ok(listing::page(conn, &caller, &query)?)
        })
        .await
    }

    /// Photo `id` as `viewer` sees it.
    pub async fn find(&self, viewer: &Caller, id: Uuid) -> Result<SeenPhoto, PhotoError> {
        let viewer = viewer.id;
        db::blocking(&self.pool, move |conn| find_seen_by(conn, id, viewer)).await
    }

    /// Deletes photo `id` if `caller` owns it or is an `admin`, and forgets what this instance
    /// kept of its bytes at once (other instances within `content_cache::FRESH_FOR`).
    pub async fn delete(&self, caller: &Caller, id: Uuid) -> Result<(), PhotoError> {
        let caller = caller.clone();
        db::blocking(&self.pool, move |conn| delete_as(conn, id, &caller)).await?;
        self.caches.contents.forget(id);
        Ok(())
    }

    /// `caller` likes photo `id`; liking it again changes nothing.
    pub async fn like(&self, caller: &Caller, id: Uuid) -> Result<(), PhotoError> {
        let user_id = caller.id;
        db::blocking(&self.pool, move |conn| likes::like(conn, id, user_id)).await
    }

    /// `caller` no longer likes photo `id`; a like that was never there changes nothing.
    pub async fn unlike(&self, caller: &Caller, id: Uuid) -> Result<(), PhotoError> {
        let user_id = caller.id;
        db::blocking(&self.pool, move |conn| likes::unlike(conn, id, user_id)).await
    }
}
