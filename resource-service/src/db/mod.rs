//! Everything that talks to PostgreSQL: the pool, the generated schema, row structs and one
//! module of small synchronous queries per table. The work layer (`photos/`,
//! `profile/`) runs them off the async workers through [`blocking`], the one helper of this
//! service, as auth-service's `db::blocking` (docs/ARCHITECTURE.md, The layers).

pub mod erase;
pub mod known_users;
pub mod likes;
pub mod models;
pub mod moved_out;
pub mod objects;
pub mod photos;
pub mod pool;
pub mod profiles;
pub mod schema;

use diesel::pg::PgConnection;
use service_kit::DbError;

pub use pool::{DbPool, MIGRATIONS, SCHEMA};

/// Runs `f` with a pooled connection on the blocking thread pool, so a slow or absent database
/// never stalls the async workers; a connection that cannot be had is [`DbError::Unavailable`]
/// (503 `unavailable`), in the caller's error type.
pub async fn blocking<T, E, F>(pool: &DbPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    service_kit::database::with_pg(pool, f).await
}
