//! What the photo endpoints do, below HTTP: list a page, show one photo, serve its bytes or its
//! thumbnail, take an upload (admit it, prepare it: strip, decode check, thumbnail; store it
//! within the owner's quota), delete as owner or admin, like and unlike; and the background work
//! on the photo store (cleanup, moving old photos out of the database).
//!
//! [`Photos`] (`service.rs`) is the one entry: it owns the pool, the photo store, the serving
//! caches, the upload limits and the prepare threads, and each handler makes one call on it.
//! Below it, the database steps are small sync functions on a connection, run through
//! `db::blocking`; the steps that also touch the photo store are async and check out a
//! connection only for their database steps. The caller is a `domain::Caller`, never the token;
//! errors are [`PhotoError`]. Nothing here knows about requests or responses.

mod admission;
mod cleanup;
mod content;
mod content_cache;
mod decode_budget;
mod decode_cost;
mod error;
mod hot_objects;
mod image_check;
mod jpeg_scaled;
mod likes;
mod listing;
mod move_out;
mod prepare;
mod removal;
mod seen;
mod service;
mod serving;
mod spooled;
mod store;
mod strip;
mod strip_gif;
mod strip_jpeg;
mod thumbnail;
mod upload;
mod workers;

pub use admission::{UploadAdmission, UploadTicket};
pub use cleanup::{drain_deletions, spawn_cleanup, sweep_orphans, CleanupReport};
pub use content::{Content, ContentBody, Source, Which};
pub use content_cache::{ContentCache, ServingCaches};
pub use decode_budget::{DecodeBudget, Reservation};
pub use decode_cost::decode_cost;
pub use error::PhotoError;
pub use hot_objects::HotObjects;
pub use image_check::{decode_check, Decoded, MAX_PIXELS, MAX_SIDE};
pub use listing::{Page, PageQuery};
pub use move_out::{move_out_one, spawn_move_out};
pub use prepare::{prepare, Prepared};
pub use seen::SeenPhoto;
pub use service::Photos;
pub use serving::{Decision, Served};
pub use spooled::{SpoolWriter, SpooledFile};
pub use store::{PhotoObjects, Upload};
pub use strip::{strip_metadata, Malformed};
pub use thumbnail::{thumbnail_of, Thumbnail, THUMBNAIL_SIDE};
pub use upload::UploadLimits;
pub use workers::PrepareWorkers;
