use crate::storage::StorageError;
use diesel::result::Error as DieselError;
use service_kit::DbError;

/// Why the photo work did not happen. `routes/refusals.rs` turns it into the HTTP answer.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("no such photo")]
    NotFound,
    /// `REQUIRE_VERIFIED_EMAIL` is on and the caller's token says the email is not verified.
    #[error("the email address is not verified")]
    EmailNotVerified,
    #[error("neither the owner nor an admin")]
    NotOwner,
    #[error("photo quota of {limit} reached")]
    QuotaFull { limit: i64 },
    #[error("not a decodable image")]
    NotAnImage,
    #[error("more than {max_pixels} pixels or {max_side} on a side")]
    TooManyPixels { max_pixels: u64, max_side: u32 },
    /// Decoding the image alone would take more than all decodes together may hold
    /// (`UPLOAD_DECODE_MEMORY`).
    #[error("decoding needs {needed} bytes, more than the {budget} bytes all decodes may hold")]
    DecodeTooLarge { needed: u64, budget: u64 },
    /// `UPLOADS_IN_FLIGHT` uploads are already under way on this instance.
    #[error("{limit} uploads are already under way on this instance")]
    InstanceBusy { limit: usize },
    /// `UPLOADS_IN_FLIGHT_PER_USER` uploads of this account are already under way.
    #[error("{limit} uploads of this account are already under way")]
    UserBusy { limit: usize },
    #[error("the thumbnail could not be encoded: {0}")]
    Thumbnail(#[source] image::ImageError),
    #[error("the spooled upload could not be read back: {0}")]
    Spool(#[source] std::io::Error),
    #[error("a photo worker thread went away")]
    WorkerLost,
    #[error(transparent)]
    Database(DbError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<DieselError> for PhotoError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            other => Self::Database(other.into()),
        }
    }
}

impl From<DbError> for PhotoError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => Self::NotFound,
            other => Self::Database(other),
        }
    }
}
