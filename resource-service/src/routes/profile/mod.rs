//! `GET`, `PATCH` and `DELETE /profile`. Each handler takes what `crate::http` read, makes one
//! call on `crate::profile::Profiles` and answers with the view beside it.

pub(super) mod handlers;
mod view;
