//! `GET`, `PATCH` and `DELETE /profile`. Each handler parses the request, runs the work of
//! `crate::profile` through `routes::blocking` and answers with the view beside it.

pub(super) mod handlers;
mod patch_body;
mod view;
