//! The photo endpoints: list, show, bytes, upload, delete. Each handler takes what `crate::http`
//! read, makes one call on `crate::photos::Photos` and answers with the view or the conditional
//! answer beside it.

mod conditional;
pub(super) mod handlers;
pub(super) mod upload;
mod view;

pub use view::PhotoView;
