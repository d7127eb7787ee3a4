//! What the bench binaries share (docs/BENCHMARKS.md): the keep-alive HTTP client, the
//! closed-loop load, what `/proc` tells about a process and the median of rounds.

pub mod http;
pub mod load;
pub mod machine;
pub mod stats;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
