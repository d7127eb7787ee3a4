//! What the bench binaries share (docs/BENCHMARKS.md): the keep-alive HTTP client, the
//! closed-loop load, what `/proc` tells about a process, the median of rounds, and the parts of
//! the revocation benchmark. `bench` (src/main.rs) and `revocation` (src/bin/revocation.rs) use
//! them.

pub mod http;
pub mod load;
pub mod machine;
pub mod revocation;
pub mod stats;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
