//! `photo-auth password ...` and `photo-auth email ...` run as a process against the real
//! services, with auth-service writing its mails as `.eml` files: the links are read out of
//! them and handed to the commands whole, as a person would paste them, on the command line or
//! on stdin with `--link-stdin` (docs/CLI.md, Links from mails).
//!
//! One test binary: links that are unknown, of the wrong kind or empty (`bad_links`), the email
//! verification (`verification`) and the password reset (`reset`); `common` starts the services
//! and runs the commands for all three.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bad_links;
mod common;
mod reset;
#[path = "../support/mod.rs"]
mod support;
mod verification;
