//! The r2d2 pool and the one helper that runs Diesel off the async workers.

use crate::error::ApiError;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::{Duration, Instant};

pub type DbPool = Pool<ConnectionManager<PgConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// How long a request waits for a connection: short, so an outage answers 503 within seconds.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long the service keeps trying to reach the database at start (compose starts it beside
/// the database, which may still be booting).
pub const STARTUP_PATIENCE: Duration = Duration::from_secs(30);

/// Builds the pool, retrying until the database answers or [`STARTUP_PATIENCE`] runs out.
/// Blocking: call it from a blocking thread.
pub fn connect(database_url: &str, size: u32) -> Result<DbPool, diesel::r2d2::PoolError> {
    let deadline = Instant::now() + STARTUP_PATIENCE;
    loop {
        let manager = ConnectionManager::<PgConnection>::new(database_url);
        let result = Pool::builder()
            .max_size(size)
            .min_idle(Some(size.min(2)))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .test_on_check_out(true)
            .build(manager);
        match result {
            Ok(pool) => return Ok(pool),
            Err(error) if Instant::now() < deadline => {
                log::warn!("database not reachable yet, retrying: {error}");
                std::thread::sleep(Duration::from_secs(1));
            }
            Err(error) => return Err(error),
        }
    }
}

/// Applies every embedded migration not yet applied. Blocking.
pub fn run_migrations(pool: &DbPool) -> Result<(), crate::error::BoxError> {
    let mut conn = pool.get()?;
    let applied = conn.run_pending_migrations(MIGRATIONS)?;
    for version in applied {
        log::info!("applied migration {version}");
    }
    Ok(())
}

/// Runs `f` with a pooled connection on the blocking thread pool, so a slow or absent database
/// never stalls the async workers. A connection that cannot be had within [`CHECKOUT_TIMEOUT`]
/// becomes 503 `unavailable`.
pub async fn blocking<F, T>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    service_kit::blocking::with_connection(pool, f).await
}
