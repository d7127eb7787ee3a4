//! Everything that talks to PostgreSQL: the pool, the generated schema, row structs and one
//! module of small synchronous queries per table. The work layer (`photos/`,
//! `profile/`) runs them off the async workers through [`blocking`], the one helper of this
//! service, as auth-service's `db::blocking` (docs/ARCHITECTURE.md, The layers).

pub mod deleted_users;
pub mod erase;
pub mod event_position;
pub mod known_users;
pub mod likes;
pub mod models;
pub mod moved_out;
pub mod objects;
pub mod photos;
pub mod pool;
pub mod profiles;
pub mod schema;

pub use pool::{DbPool, MIGRATIONS, SCHEMA};

/// Runs `f` with a pooled connection on the blocking thread pool, so a slow or absent database
/// never stalls the async workers; a connection that cannot be had is `DbError::Unavailable`
/// (503 `unavailable`), in the caller's error type. The same helper in both services
/// (docs/ARCHITECTURE.md, The layers).
pub use service_kit::database::with_pg as blocking;
