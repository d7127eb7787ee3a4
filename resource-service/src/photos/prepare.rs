//! An upload made ready to store (docs/API.md, "Upload rules"): its metadata stripped, checked
//! to decode completely within the limits, measured, hashed and given a thumbnail. CPU-bound:
//! run on the photo threads (`workers.rs`), never on an async worker.

use super::image_check::decode_check;
use super::strip::strip_metadata;
use super::thumbnail::{thumbnail_of, Thumbnail};
use super::PhotoError;
use crate::domain::ImageType;
use sha2::{Digest, Sha256};

/// The bytes to store (the stripped file) and everything the row records about them.
#[derive(Debug)]
pub struct Prepared {
    pub image: ImageType,
    pub bytes: Vec<u8>,
    /// Hex SHA-256 of `bytes`: the objects' name and the strong ETag.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub thumbnail: Thumbnail,
}

/// Prepares `bytes`, the decoder allocating at most `max_alloc` bytes.
pub fn prepare(image: ImageType, bytes: Vec<u8>, max_alloc: u64) -> Result<Prepared, PhotoError> {
    let bytes = strip_metadata(image, bytes).map_err(|_| PhotoError::NotAnImage)?;
    let decoded = decode_check(image, &bytes, max_alloc)?;
    let thumbnail = thumbnail_of(&decoded.upright).map_err(PhotoError::Thumbnail)?;
    Ok(Prepared {
        image,
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes,
        width: decoded.width,
        height: decoded.height,
        thumbnail,
    })
}
