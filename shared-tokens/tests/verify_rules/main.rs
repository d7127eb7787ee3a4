//! Every rule of docs/TOKENS.md, Verification, one test each, with forged tokens built by hand.
//! One test binary; the modules follow the rules' order: the shape of the token (`format`), the
//! header's `alg`, `typ` and `crit` (`header`), the key and the signature (`keys`), the claims
//! and their times (`claims`), and what the profile itself signs (`signing`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod claims;
mod common;
mod format;
mod header;
mod keys;
mod signing;
