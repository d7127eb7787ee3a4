//! The threads that prepare photos (docs/PHOTOS.md, Memory): a fixed pool, `PHOTO_WORKERS` of
//! them (one per two cores by default), for reading an upload back from its spool, stripping,
//! decoding and thumbnailing it. On the shared blocking pool each upload could land on another
//! thread, and the C allocator keeps a heap per thread: sixteen uploads left sixteen heaps holding
//! their peak. A few fixed threads reuse theirs.
//!
//! However many threads there are, the decodes together hold at most the decode budget: each
//! reserves what its header says it will take before its file is read back, and the reservation
//! is dropped inside the job, when the decode has ended, not when the request goes away.

use super::decode_budget::DecodeBudget;
use super::decode_cost::decode_cost;
use super::prepare::{prepare, Prepared};
use super::spooled::SpooledFile;
use super::strip::strip_metadata;
use super::PhotoError;
use crate::domain::ImageType;
use prometheus::IntGauge;
use std::io::Cursor;
use std::sync::Arc;

#[derive(Clone)]
pub struct PrepareWorkers {
    pool: Arc<rayon::ThreadPool>,
    /// Two threads for the spool's file writes: short, so they do not wait behind a prepare.
    io: Arc<rayon::ThreadPool>,
    budget: DecodeBudget,
    /// `photo_prepares_running`: prepares under way on the threads.
    running: IntGauge,
}

impl std::fmt::Debug for PrepareWorkers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrepareWorkers({})", self.pool.current_num_threads())
    }
}

impl PrepareWorkers {
    /// `threads` threads whose prepares share `budget`, counted in `running`.
    pub fn new(
        threads: usize,
        budget: DecodeBudget,
        running: IntGauge,
    ) -> Result<PrepareWorkers, rayon::ThreadPoolBuildError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|n| format!("photo-prepare-{n}"))
            .build()?;
        let io = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .thread_name(|n| format!("photo-spool-{n}"))
            .build()?;
        Ok(PrepareWorkers {
            pool: Arc::new(pool),
            io: Arc::new(io),
            budget,
            running,
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

    /// Reads the spooled upload back and prepares it, within the decode budget.
    pub async fn prepare_upload(
        &self,
        image: ImageType,
        mut file: SpooledFile,
    ) -> Result<Prepared, PhotoError> {
        let len = file.len() as u64;
        let (cost, file) = self
            .run_io(move || {
                let cost = file
                    .header()
                    .map_err(PhotoError::Spool)
                    .and_then(|header| decode_cost(image, header, len));
                (priced(image, cost, || file.read_all()), file)
            })
            .await?;
        self.prepare_within_budget(cost?, move || {
            let bytes = file.into_bytes().map_err(PhotoError::Spool)?;
            Ok((image, bytes))
        })
        .await
    }

    /// Prepares bytes already in memory (a photo moved out of the database), within the decode
    /// budget.
    pub async fn prepare_bytes(
        &self,
        image: ImageType,
        bytes: Vec<u8>,
    ) -> Result<Prepared, PhotoError> {
        let len = bytes.len() as u64;
        let (cost, bytes) = self
            .run_io(move || {
                let cost = decode_cost(image, Cursor::new(&bytes), len);
                (priced(image, cost, || Ok(bytes.clone())), bytes)
            })
            .await?;
        self.prepare_within_budget(cost?, move || Ok((image, bytes)))
            .await
    }

    /// Reserves `cost` bytes of the budget, then on a thread loads the file with `load` and
    /// prepares it. The reservation is moved into the job and dropped when it ends: a request
    /// dropped meanwhile (its client hung up) leaves it held until the decode is over.
    async fn prepare_within_budget<F>(&self, cost: u64, load: F) -> Result<Prepared, PhotoError>
    where
        F: FnOnce() -> Result<(ImageType, Vec<u8>), PhotoError> + Send + 'static,
    {
        let reservation = self.budget.reserve(cost).await?;
        let running = self.running.clone();
        self.run(move || {
            running.inc();
            let prepared =
                load().and_then(|(image, bytes)| prepare(image, bytes, reservation.bytes()));
            running.dec();
            drop(reservation);
            prepared
        })
        .await?
    }
}

/// The decode's price as `decode_cost` read it, except for a header that claims more pixels
/// than the bounds: the file, read whole with `whole`, is then refused as not an image when it
/// is not a well-formed container of its format, as the decode would have refused it
/// (docs/API.md, "Upload rules"). Only the container is walked (`strip.rs`), no pixel is
/// decoded; the file is at most `MAX_PHOTO_BYTES`.
fn priced(
    image: ImageType,
    cost: Result<u64, PhotoError>,
    whole: impl FnOnce() -> std::io::Result<Vec<u8>>,
) -> Result<u64, PhotoError> {
    let Err(too_large @ PhotoError::TooManyPixels { .. }) = cost else {
        return cost;
    };
    let bytes = whole().map_err(PhotoError::Spool)?;
    match strip_metadata(image, bytes) {
        Ok(_) => Err(too_large),
        Err(_) => Err(PhotoError::NotAnImage),
    }
}
