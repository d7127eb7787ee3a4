//! Inputs become these types at the edge; once a handler holds one, it is valid.

mod bio;
mod caption;
mod cursor;
mod image;
mod limit;
mod owner;
mod text;

pub use bio::Bio;
pub use caption::Caption;
pub use cursor::PhotoCursor;
pub use image::ImageType;
pub use limit::ListLimit;
pub use owner::OwnerFilter;
