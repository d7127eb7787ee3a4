//! The photo endpoints: list, show, bytes, upload, delete. Each handler parses the request, runs
//! the work of `crate::photos` through `routes::blocking` and answers; what it parses and answers
//! with lives in the files beside it.

mod capped_payload;
mod conditional;
pub(super) mod handlers;
mod list_query;
pub(super) mod upload;
pub(super) mod upload_body;
mod upload_form;
mod view;

pub use upload::PhotoLimits;
pub use view::PhotoView;
