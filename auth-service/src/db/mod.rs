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

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::{QueryResult, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use service_kit::StoreError;
use std::time::Duration;

pub type PgPool = Pool<ConnectionManager<PgConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// How long a request waits for a connection before answering 503.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(3);

/// A pool that connects lazily: building it never fails, so a service can start before its
/// database and recover after an outage without restarting.
pub fn build_pool(database_url: &str, max_size: u32) -> PgPool {
    let manager = ConnectionManager::<PgConnection>::new(with_connect_timeout(database_url));
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(CHECKOUT_TIMEOUT)
        .build_unchecked(manager)
}

/// An unreachable host must not hang a connection attempt past a few seconds.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&connect_timeout=3")
    } else {
        format!("{url}?connect_timeout=3")
    }
}

/// Runs `f` with a pooled connection on the blocking thread pool; a connection that cannot be
/// had is [`StoreError::Unavailable`], in the caller's error type.
pub async fn blocking<T, E, F>(pool: &PgPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    service_kit::blocking::with_connection(pool, f).await
}

/// Applies pending migrations, holding an advisory lock so instances starting together take
/// turns instead of racing.
pub fn run_migrations(conn: &mut PgConnection) -> Result<(), String> {
    const LOCK_KEY: i64 = 0x6175_7468; // "auth"
    diesel::sql_query(format!("SELECT pg_advisory_lock({LOCK_KEY})"))
        .execute(conn)
        .map_err(|e| e.to_string())?;
    let result = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|_| ())
        .map_err(|e| e.to_string());
    let _ = diesel::sql_query(format!("SELECT pg_advisory_unlock({LOCK_KEY})")).execute(conn);
    result
}

/// `SELECT 1`: whether the database answers right now.
pub fn ping(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}
