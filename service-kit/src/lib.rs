//! What both services do the same way, so they cannot drift apart: request ids and the access
//! log, Prometheus metrics, security headers, the `healthcheck` subcommand, log setup and the
//! orderly stop of background tasks.

pub mod background;
pub mod blocking;
pub mod headers;
pub mod healthcheck;
pub mod logging;
pub mod metrics;
pub mod observe;
pub mod openapi;
pub mod request_id;

pub use background::{Background, StopSignal};
pub use metrics::Metrics;
pub use observe::observe;
pub use request_id::RequestId;
