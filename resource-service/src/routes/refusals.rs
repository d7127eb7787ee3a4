//! How the work below the handlers (`crate::photos`, `crate::profile`) says no, as the HTTP
//! errors of docs/API.md: one `From` per work error, one match each. The work layer knows
//! nothing of HTTP; this is the one place its answers get a status.

use crate::error::ApiError;
use crate::photos::PhotoError;
use crate::profile::ProfileError;
use crate::storage::StorageError;
use service_kit::DbError;

impl From<PhotoError> for ApiError {
    fn from(error: PhotoError) -> Self {
        match error {
            PhotoError::NotFound => ApiError::NotFound,
            PhotoError::EmailNotVerified => ApiError::EmailNotVerified,
            PhotoError::NotOwner => ApiError::Forbidden,
            PhotoError::QuotaFull { limit } => ApiError::QuotaExceeded { limit },
            PhotoError::NotAnImage => ApiError::UnsupportedMediaType(
                "Photos must be JPEG, PNG, GIF or WebP images that decode completely.",
            ),
            PhotoError::TooManyPixels {
                max_pixels,
                max_side,
            } => ApiError::ImageTooLarge {
                max_pixels,
                max_side,
            },
            PhotoError::DecodeTooLarge { needed, budget } => {
                ApiError::DecodeTooLarge { needed, budget }
            }
            PhotoError::InstanceBusy { limit } => ApiError::UploadsBusy { limit },
            PhotoError::UserBusy { limit } => ApiError::TooManyUploads { limit },
            PhotoError::Thumbnail(error) => ApiError::internal(error),
            PhotoError::Spool(error) => ApiError::internal(error),
            PhotoError::WorkerLost => ApiError::internal("a photo worker thread went away"),
            PhotoError::Database(error) => ApiError::Database(error),
            PhotoError::Storage(StorageError::NotFound) => {
                ApiError::internal("a photo's object is missing from the photo store")
            }
            PhotoError::Storage(StorageError::Failed(error)) => {
                ApiError::Database(DbError::Unavailable(format!("photo store: {error}")))
            }
        }
    }
}

impl From<ProfileError> for ApiError {
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::Invalid(fields) => ApiError::invalid_fields(fields),
            ProfileError::Database(error) => ApiError::Database(error),
        }
    }
}
