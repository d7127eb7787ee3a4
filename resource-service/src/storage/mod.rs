//! Where photo bytes live (docs/PHOTOS.md, Storage): a directory or an S3-compatible bucket,
//! behind `object_store`, keyed by content hash. What the database knows of them, and the order
//! of writes that keeps the two consistent, and the cleanup, are in `photos/`.

mod location;

pub use location::StoreLocation;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{
    GetOptions, GetRange, GetResultPayload, ObjectStore, ObjectStoreExt, PutPayload,
};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// The two objects a photo may have, both named by the SHA-256 of the stored original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Original,
    Thumbnail,
}

impl ObjectKind {
    fn folder(self) -> &'static str {
        match self {
            ObjectKind::Original => "originals",
            ObjectKind::Thumbnail => "thumbnails",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no such object")]
    NotFound,
    #[error("the photo store failed: {0}")]
    Failed(#[source] object_store::Error),
}

impl From<object_store::Error> for StorageError {
    fn from(error: object_store::Error) -> Self {
        match error {
            object_store::Error::NotFound { .. } => Self::NotFound,
            other => Self::Failed(other),
        }
    }
}

/// A body read from the store: its chunks as they arrive, never the whole object at once.
pub type ObjectStream = BoxStream<'static, Result<Bytes, StorageError>>;

/// The photo store: cheap to clone, shared by every worker.
#[derive(Clone)]
pub struct PhotoStore {
    objects: Arc<dyn ObjectStore>,
    location: StoreLocation,
}

impl std::fmt::Debug for PhotoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhotoStore({})", self.location)
    }
}

impl PhotoStore {
    /// Opens the store `location` names. A directory is created if missing; an S3 bucket reads
    /// its credentials, region and endpoint from the usual `AWS_*` variables.
    pub fn open(location: &StoreLocation) -> Result<PhotoStore, StorageError> {
        let objects: Arc<dyn ObjectStore> = match location {
            StoreLocation::Directory(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| StorageError::Failed(io_error(e)))?;
                Arc::new(LocalFileSystem::new_with_prefix(dir)?)
            }
            StoreLocation::S3 { bucket, prefix } => {
                let s3 = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()?;
                if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix.as_str()))
                }
            }
        };
        Ok(PhotoStore {
            objects,
            location: location.clone(),
        })
    }

    pub fn location(&self) -> &StoreLocation {
        &self.location
    }

    /// `originals/ab/abcdef…`: the two-character folder keeps directories small on disk.
    pub fn key(kind: ObjectKind, sha256: &str) -> Path {
        let fan = sha256.get(..2).unwrap_or("__");
        Path::from(format!("{}/{fan}/{sha256}", kind.folder()))
    }

    /// Writes an object whole: readers see the old state or the new one, never a part (a
    /// rename into place on disk, a single PUT on S3).
    pub async fn put(&self, key: &Path, bytes: Bytes) -> Result<(), StorageError> {
        self.objects.put(key, PutPayload::from(bytes)).await?;
        Ok(())
    }

    pub async fn exists(&self, key: &Path) -> Result<bool, StorageError> {
        match self.objects.head(key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(other) => Err(StorageError::Failed(other)),
        }
    }

    /// Removes an object; one already gone is not an error (two cleaners may race for it).
    pub async fn delete(&self, key: &Path) -> Result<(), StorageError> {
        match self.objects.delete(key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(StorageError::Failed(other)),
        }
    }

    /// The object's bytes, or the `range` of them, as a stream of chunks.
    pub async fn read(
        &self,
        key: &Path,
        range: Option<Range<u64>>,
    ) -> Result<ObjectStream, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let found = self.objects.get_opts(key, options).await?;
        match found.payload {
            GetResultPayload::File(file, _) => Ok(file_chunks(file, found.range)),
            GetResultPayload::Stream(stream) => Ok(stream.map_err(StorageError::from).boxed()),
        }
    }

    /// Every object under `kind`'s folder last written before `cutoff`, as the SHA-256 it is
    /// named by.
    pub fn written_before(
        &self,
        kind: ObjectKind,
        cutoff: chrono::DateTime<chrono::Utc>,
    ) -> BoxStream<'static, Result<String, StorageError>> {
        let prefix = Path::from(kind.folder());
        self.objects
            .list(Some(&prefix))
            .map_err(StorageError::from)
            .try_filter_map(move |meta| async move {
                let name = meta.location.filename().map(str::to_owned);
                Ok(name.filter(|_| meta.last_modified < cutoff))
            })
            .boxed()
    }
}

/// How much of a file one read takes. `object_store` reads local files 8 KiB at a time, each
/// read a hop to the blocking pool: a 500 KiB photo was 64 hops, now 2. About this much per
/// download is in memory at once (sixteen downloads: 4 MiB).
const FILE_CHUNK: u64 = 256 * 1024;

/// `range` of `file`, read in [`FILE_CHUNK`]s on the blocking pool (`pread`: no shared offset).
fn file_chunks(file: std::fs::File, range: Range<u64>) -> ObjectStream {
    let file = Arc::new(file);
    futures_util::stream::try_unfold(range, move |range| {
        let file = Arc::clone(&file);
        async move {
            if range.is_empty() {
                return Ok(None);
            }
            let length = (range.end - range.start).min(FILE_CHUNK);
            let start = range.start;
            let chunk = tokio::task::spawn_blocking(move || {
                let mut buffer = vec![0; length as usize];
                file.read_exact_at(&mut buffer, start).map(|()| buffer)
            })
            .await
            .map_err(|e| StorageError::Failed(io_error(std::io::Error::other(e))))?
            .map_err(|e| StorageError::Failed(io_error(e)))?;
            Ok(Some((Bytes::from(chunk), start + length..range.end)))
        }
    })
    .boxed()
}

fn io_error(source: std::io::Error) -> object_store::Error {
    object_store::Error::Generic {
        store: "LocalFileSystem",
        source: Box::new(source),
    }
}
