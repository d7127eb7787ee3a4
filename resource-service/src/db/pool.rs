//! The pool type and this service's migrations. Building the pool and migrating at start are
//! `service_kit::database`'s; the work layer runs queries through `db::blocking`.

use diesel_migrations::{embed_migrations, EmbeddedMigrations};
use service_kit::database::Migrations;

pub use service_kit::database::PgPool as DbPool;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// This service's migrations and the advisory-lock key its instances take turns on.
pub const SCHEMA: Migrations = Migrations {
    source: &MIGRATIONS,
    lock_key: 0x7265_736f, // "reso"
};
