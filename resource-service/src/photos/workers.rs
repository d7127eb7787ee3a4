//! The threads that prepare photos (docs/PHOTOS.md, Memory): a fixed pool, one per core, for
//! reading an upload back from its spool, stripping, decoding and thumbnailing it. On the shared
//! blocking pool each upload could land on another thread, and the C allocator keeps a heap per
//! thread: sixteen uploads left sixteen heaps holding their peak. A few fixed threads reuse theirs.

use super::prepare::{prepare, Prepared};
use super::spooled::SpooledFile;
use super::PhotoError;
use crate::domain::ImageType;
use std::sync::Arc;

#[derive(Clone)]
pub struct PrepareWorkers {
    pool: Arc<rayon::ThreadPool>,
    /// Two threads for the spool's file writes: short, so they do not wait behind a prepare.
    io: Arc<rayon::ThreadPool>,
}

impl std::fmt::Debug for PrepareWorkers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrepareWorkers({})", self.pool.current_num_threads())
    }
}

impl PrepareWorkers {
    /// One thread per two cores (at least one): the other cores serve requests meanwhile, and
    /// each thread's heap holds about two uploads' worth once it has prepared a large one.
    pub fn per_two_cores() -> Result<PrepareWorkers, rayon::ThreadPoolBuildError> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let threads = (cores / 2).max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|n| format!("photo-prepare-{n}"))
            .build()?;
        let io = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .thread_name(|n| format!("photo-spool-{n}"))
            .build()?;
        Ok(PrepareWorkers {
            pool: Arc::new(pool),
            io: Arc::new(io),
        })
    }

    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs `job` on one of the pool's threads and waits for it without blocking the caller's.
    pub async fn run<T, F>(&self, job: F) -> Result<T, PhotoError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        Self::run_on(&self.pool, job).await
    }

    /// Runs a short file operation of the spool on the I/O threads.
    pub async fn run_io<T, F>(&self, job: F) -> Result<T, PhotoError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        Self::run_on(&self.io, job).await
    }

    async fn run_on<T, F>(pool: &rayon::ThreadPool, job: F) -> Result<T, PhotoError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        pool.spawn(move || {
            // The receiver is gone only if the request was dropped; the result is not needed.
            let _ = sender.send(job());
        });
        receiver.await.map_err(|_| PhotoError::WorkerLost)
    }

    /// Reads the spooled upload back and prepares it.
    pub async fn prepare_upload(
        &self,
        image: ImageType,
        file: SpooledFile,
    ) -> Result<Prepared, PhotoError> {
        self.run(move || {
            let bytes = file.into_bytes().map_err(PhotoError::Spool)?;
            prepare(image, bytes)
        })
        .await?
    }
}
