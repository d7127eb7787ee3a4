//! What both services do the same way, so they cannot drift apart. It is the floor of the
//! workspace and knows nothing of tokens: the error body of docs/API.md, the environment reader
//! and durations of docs/CONFIGURATION.md, origin normalising, the database pool and
//! migrations at start, the classification of database errors, CORS, the answers to requests
//! refused before a handler runs (400, 404, 405, 413, 415), JSON bodies that must be objects,
//! request ids and the access log, Prometheus metrics, security headers, the development-only
//! API page, the `healthcheck` subcommand, log setup and the orderly stop of background tasks.

pub mod api_docs;
pub mod background;
pub mod blocking;
pub mod cors;
pub mod database;
pub mod db_error;
pub mod dotenv;
pub mod duration;
pub mod env;
pub mod error_body;
pub mod headers;
pub mod healthcheck;
pub mod json_body;
pub mod logging;
pub mod method_not_allowed;
pub mod metrics;
pub mod metrics_listener;
pub mod observe;
pub mod openapi;
pub mod openapi_responses;
pub mod origin;
pub mod pooled;
pub mod request_errors;
pub mod request_id;
pub mod server;
pub mod text;

pub use background::{Background, StopSignal};
pub use cors::cors;
pub use db_error::DbError;
pub use env::{ConfigError, Env};
pub use error_body::ErrorBody;
pub use method_not_allowed::method_not_allowed;
pub use metrics::Metrics;
pub use metrics_listener::MetricsListener;
pub use observe::observe;
pub use request_id::RequestId;
