//! `GET`, `PATCH` and `DELETE /profile`. Each handler parses the request, makes one call on
//! `crate::profile::Profiles` and answers with the view beside it.

pub(super) mod handlers;
mod patch_body;
mod view;
