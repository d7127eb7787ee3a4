//! What the photo endpoints do, below HTTP: list a page, show one photo or read its bytes, check
//! and strip an upload, store it within the owner's quota, delete as owner or admin, like and
//! unlike. Each function takes a connection and runs inside `routes::blocking` (or, for the
//! CPU-bound upload check, on the blocking pool without one); none knows about requests or
//! responses, so the handlers in `routes/photos/` and `routes/likes.rs` only parse, call and
//! answer.

mod content;
mod error;
mod image_check;
mod likes;
mod listing;
mod removal;
mod seen;
mod store;
mod strip;
mod strip_gif;
mod strip_jpeg;

pub use content::{read_content, PhotoContent};
pub use error::PhotoError;
pub use image_check::{check_upload, CheckedUpload, MAX_PIXELS, MAX_SIDE};
pub use likes::{like, unlike};
pub use listing::{page, Page};
pub use removal::delete_as;
pub use seen::{find_seen_by, SeenPhoto};
pub use store::{store, Upload};
pub use strip::{strip_metadata, Malformed};
