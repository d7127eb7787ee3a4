//! The photo store a test app uses: a temporary directory, or, when `TEST_PHOTO_STORE` names an
//! S3 bucket (`s3://bucket`, as `scripts/s3-tests.sh` sets it), a fresh prefix in that bucket, so
//! the same suite runs against both (docs/PHOTOS.md, Storage).

use futures_util::TryStreamExt;
use resource_service::storage::{ObjectKind, PhotoStore, StoreLocation};
use uuid::Uuid;

pub struct TestPhotoStore {
    /// The `PHOTO_STORE` value.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestPhotoStore {
    pub fn new() -> Self {
        match std::env::var("TEST_PHOTO_STORE") {
            Ok(bucket) if bucket.starts_with("s3://") => Self {
                url: format!("{}/{}", bucket.trim_end_matches('/'), Uuid::new_v4()),
                _dir: None,
            },
            _ => Self::directory(),
        }
    }

    /// A temporary directory, whatever `TEST_PHOTO_STORE` says: for tests of a binary started
    /// with a clean environment (no `AWS_*` variables).
    pub fn directory() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        Self {
            url: format!("file://{}", dir.path().display()),
            _dir: Some(dir),
        }
    }

    pub fn open(&self) -> PhotoStore {
        let location = StoreLocation::parse(&self.url).expect("a store URL");
        PhotoStore::open(&location).expect("the store opens")
    }

    /// The names (SHA-256) of the objects of `kind`, sorted.
    pub async fn names(&self, kind: ObjectKind) -> Vec<String> {
        let far = chrono::Utc::now() + chrono::Duration::days(1);
        let mut names: Vec<String> = self
            .open()
            .written_before(kind, far)
            .try_collect()
            .await
            .expect("the store lists");
        names.sort();
        names
    }

    pub async fn holds(&self, kind: ObjectKind, sha256: &str) -> bool {
        self.open()
            .exists(&PhotoStore::key(kind, sha256))
            .await
            .expect("the store answers")
    }
}
