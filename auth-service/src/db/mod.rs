//! PostgreSQL through Diesel + r2d2. Every query is a small sync function on `&mut PgConnection`;
//! [`blocking`] runs them on the blocking pool so the async workers never wait on the database.

pub mod audit;
pub mod cleanup;
pub mod email_tokens;
pub mod events;
pub mod login_failures;
pub mod models;
pub mod outbox;
pub mod rotation;
pub mod schema;
pub mod sessions;
pub mod users;
pub mod webhooks;

use diesel::pg::PgConnection;
use diesel::{QueryResult, RunQueryDsl};
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

/// Runs `f` with a pooled connection on the blocking thread pool, so a slow or absent database
/// never stalls the async workers; a connection that cannot be had is `DbError::Unavailable`
/// (503 `unavailable`), in the caller's error type. The same helper in both services
/// (docs/ARCHITECTURE.md, The layers).
pub use service_kit::database::with_pg as blocking;

/// `SELECT 1`: whether the database answers right now.
pub fn ping(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}
