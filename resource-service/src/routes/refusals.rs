//! How the work below the handlers (`crate::photos`, `crate::profile`) says no, as the HTTP
//! errors of docs/API.md. The work layer knows nothing of HTTP; this is where its answers get a
//! status.

use crate::error::ApiError;
use crate::photos::PhotoError;
use crate::profile::ProfileError;

impl From<PhotoError> for ApiError {
    fn from(error: PhotoError) -> Self {
        match error {
            PhotoError::NotFound => ApiError::NotFound,
            PhotoError::NotOwner => ApiError::Forbidden,
            PhotoError::QuotaFull { limit } => ApiError::QuotaExceeded { limit },
            PhotoError::Database(error) => error.into(),
        }
    }
}

impl From<ProfileError> for ApiError {
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::Invalid(fields) => ApiError::invalid_fields(fields),
            ProfileError::Database(error) => error.into(),
        }
    }
}
