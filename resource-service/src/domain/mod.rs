//! Inputs become these types at the edge (`http/`); once a handler holds one, it is valid.

mod bio;
mod caller;
mod caption;
mod cursor;
mod image;
mod limit;
mod owner;
mod text;

pub use bio::Bio;
pub use caller::Caller;
pub use caption::Caption;
pub use cursor::PhotoCursor;
pub use image::ImageType;
pub use limit::ListLimit;
pub use owner::OwnerFilter;
