//! What the test binaries that fake a server share: `test_support::stand_in`.
#![allow(unused_imports)]

pub use test_support::stand_in::{read_request, response, StandIn};
