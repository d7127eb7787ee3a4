//! The photo endpoints: list, show, bytes, upload, delete. Each handler parses the request,
//! makes one call on `crate::photos::Photos` and answers; what it parses and answers with lives
//! in the files beside it.

mod capped_payload;
mod conditional;
pub(super) mod handlers;
mod list_query;
pub(super) mod upload;
pub(super) mod upload_body;
mod upload_form;
mod view;

pub use view::PhotoView;
