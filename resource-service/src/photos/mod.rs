//! What the photo endpoints do, below HTTP: list a page, show one photo, open its bytes or its
//! thumbnail, prepare an upload (strip, decode check, thumbnail), store it within the owner's
//! quota, delete as owner or admin, like and unlike; and the background work on the photo store
//! (cleanup, moving old photos out of the database). Most functions take a connection and run
//! inside `routes::blocking`; those that also touch the photo store are async and check out a
//! connection only for their database steps. None knows about requests or responses, so the
//! handlers in `routes/photos/` and `routes/likes.rs` only parse, call and answer.

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
mod spooled;
mod store;
mod strip;
mod strip_gif;
mod strip_jpeg;
mod thumbnail;
mod workers;

pub use admission::{UploadAdmission, UploadTicket};
pub use cleanup::{drain_deletions, spawn_cleanup, sweep_orphans, CleanupReport};
pub use content::{find_content, read_content, Content, ContentBody, Source, Which};
pub use content_cache::{ContentCache, ServingCaches};
pub use decode_budget::{DecodeBudget, Reservation};
pub use decode_cost::decode_cost;
pub use error::PhotoError;
pub use hot_objects::HotObjects;
pub use image_check::{decode_check, Decoded, MAX_PIXELS, MAX_SIDE};
pub use likes::{like, unlike};
pub use listing::{page, Page};
pub use move_out::{move_out_one, spawn_move_out};
pub use prepare::{prepare, Prepared};
pub use removal::delete_as;
pub use seen::{find_seen_by, SeenPhoto};
pub use spooled::{SpoolWriter, SpooledFile};
pub use store::{store, PhotoObjects, Upload};
pub use strip::{strip_metadata, Malformed};
pub use thumbnail::{thumbnail_of, Thumbnail, THUMBNAIL_SIDE};
pub use workers::PrepareWorkers;
