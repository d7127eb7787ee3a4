//! The pool type, this service's migrations, and the one helper that runs Diesel off the async
//! workers. Building the pool and migrating at start are `service_kit::database`'s.

use crate::error::ApiError;
use diesel::pg::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations};
use service_kit::database::Migrations;

pub use service_kit::database::PgPool as DbPool;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// This service's migrations and the advisory-lock key its instances take turns on.
pub const SCHEMA: Migrations = Migrations {
    source: &MIGRATIONS,
    lock_key: 0x7265_736f, // "reso"
};

/// Runs `f` with a pooled connection on the blocking thread pool, so a slow or absent database
/// never stalls the async workers. A connection that cannot be had within the pool's checkout
/// timeout becomes 503 `unavailable`.
pub async fn blocking<F, T>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    service_kit::blocking::with_connection(pool, f).await
}
