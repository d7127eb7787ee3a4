//! An upload, in its order (docs/PHOTOS.md, Limits): the verified-email rule and the upload's
//! place among those under way, both before a byte of the body is read, so a refused upload
//! costs nothing; then the body, read by the caller's reader (multipart is HTTP's,
//! `http/upload_form.rs`); the prepare on the photo threads, within the decode budget; the
//! objects, the quota and the row (`store.rs`); the counters last.

use super::seen::SeenPhoto;
use super::service::Photos;
use super::store::{store, Upload};
use super::workers::PrepareWorkers;
use super::{PhotoError, UploadAdmission};
use crate::config::UploadSettings;
use crate::domain::Caller;
use std::future::Future;
use std::time::Duration;

/// The bounds on uploads of one instance.
#[derive(Debug, Clone)]
pub struct UploadLimits {
    /// `MAX_PHOTO_BYTES`.
    pub max_bytes: usize,
    /// `MAX_PHOTOS_PER_USER`.
    pub max_photos_per_user: i64,
    /// `UPLOADS_IN_FLIGHT` and `UPLOADS_IN_FLIGHT_PER_USER`, asked before the body is read.
    pub admission: UploadAdmission,
    /// `UPLOAD_STALL_TIMEOUT`: how long the body may send nothing (`http/upload_body.rs`).
    pub stall_timeout: Duration,
    /// `REQUIRE_VERIFIED_EMAIL`: only accounts whose token says `email_verified` may upload.
    pub require_verified_email: bool,
}

impl UploadLimits {
    pub fn new(max_bytes: usize, max_photos_per_user: i64, uploads: &UploadSettings) -> Self {
        Self {
            max_bytes,
            max_photos_per_user,
            admission: UploadAdmission::new(uploads.in_flight, uploads.in_flight_per_user),
            stall_timeout: uploads.stall_timeout,
            require_verified_email: false,
        }
    }

    /// With `REQUIRE_VERIFIED_EMAIL` on.
    pub fn requiring_verified_email(self, required: bool) -> Self {
        Self {
            require_verified_email: required,
            ..self
        }
    }
}

impl Photos {
    /// How long an upload body may send nothing before it is cut (`UPLOAD_STALL_TIMEOUT`).
    pub fn stall_timeout(&self) -> Duration {
        self.limits.stall_timeout
    }

    /// Stores the photo `caller` uploads. `read` reads the body once the upload is admitted: it
    /// is given the most bytes the file may have and the threads to spool it on, and fails in
    /// the caller's error type `E`, as does everything here.
    pub async fn upload<E, R, F>(&self, caller: &Caller, read: R) -> Result<SeenPhoto, E>
    where
        R: FnOnce(usize, PrepareWorkers) -> F,
        F: Future<Output = Result<Upload, E>>,
        E: From<PhotoError>,
    {
        let limits = &self.limits;
        if limits.require_verified_email && !caller.email_verified {
            return Err(PhotoError::EmailNotVerified.into());
        }
        // Held until the photo is stored or refused: N uploads at once count as N.
        let _place = limits.admission.admit(caller.id)?;
        let upload = read(limits.max_bytes, self.workers.clone()).await?;
        let prepared = self
            .workers
            .prepare_upload(upload.image, upload.file)
            .await?;
        let quota = limits.max_photos_per_user;
        let uploader = caller.clone();
        let stored = store(
            &self.pool,
            &self.store,
            uploader,
            prepared,
            upload.caption,
            quota,
        )
        .await?;
        self.metrics
            .photo_uploaded(stored.row.size_bytes.unsigned_abs());
        Ok(stored)
    }
}
