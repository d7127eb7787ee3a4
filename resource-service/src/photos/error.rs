//! Why a photo operation did not happen. `routes/refusals.rs` turns it into the HTTP answer.

use diesel::result::Error as DieselError;

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// No photo has that id.
    #[error("no such photo")]
    NotFound,
    /// The caller is neither the photo's owner nor an `admin`.
    #[error("neither the owner nor an admin")]
    NotOwner,
    /// The owner already keeps `limit` photos (`MAX_PHOTOS_PER_USER`).
    #[error("photo quota of {limit} reached")]
    QuotaFull { limit: i64 },
    /// The upload is not the image its first bytes claim: it does not parse or decode.
    #[error("not a decodable image")]
    NotAnImage,
    /// The upload declares more pixels than a photo may have.
    #[error("more than {max_pixels} pixels or {max_side} on a side")]
    TooManyPixels { max_pixels: u64, max_side: u32 },
    #[error(transparent)]
    Database(DieselError),
}

impl From<DieselError> for PhotoError {
    /// Every query here that can find nothing looks a photo up by its id.
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            other => Self::Database(other),
        }
    }
}
