//! PostgreSQL through Diesel + r2d2. Every query is a small sync function on `&mut PgConnection`;
//! [`blocking`] runs them on the blocking pool so the async workers never wait on the database.

pub mod audit;
pub mod cleanup;
pub mod login_failures;
pub mod models;
pub mod refresh_tokens;
pub mod schema;
pub mod sessions;
pub mod users;

use crate::error::ApiError;
use diesel::pg::PgConnection;
use diesel::RunQueryDsl;
use diesel_migrations::{embed_migrations, EmbeddedMigrations};
use service_kit::database::Migrations;

pub use service_kit::database::PgPool;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// This service's migrations and the advisory-lock key its instances take turns on
/// (`service_kit::database`).
pub const SCHEMA: Migrations = Migrations {
    source: &MIGRATIONS,
    lock_key: 0x6175_7468, // "auth"
};

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn blocking<T, F>(pool: &PgPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    service_kit::blocking::with_connection(pool, f).await
}

/// `SELECT 1`: whether the database answers right now.
pub fn ping(conn: &mut PgConnection) -> Result<(), ApiError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}
