//! How both services reach their database at start: a lazy r2d2 pool, then "migrate when
//! ready" (docs/OPERATIONS.md, Outages; docs/CONFIGURATION.md, `DATABASE_URL`).
//!
//! The pool connects on demand, so building it never fails: a service starts before its
//! database (compose may start them together) and recovers after an outage without a restart.
//! Before it serves, the service waits up to [`STARTUP_PATIENCE`] for the database and applies
//! its pending embedded migrations while holding a PostgreSQL advisory lock, so instances
//! starting together take turns instead of racing on the schema.

use crate::db_error::DbError;
use crate::pooled::{PgManager, PooledPg};
use diesel::migration::{Migration, MigrationSource};
use diesel::pg::{Pg, PgConnection};
use diesel::r2d2::Pool;
use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
use std::time::{Duration, Instant};

pub type PgPool = Pool<PgManager>;

/// How long a request waits for a pooled connection while the pool holds some: short, so an
/// outage answers 503 within seconds (docs/OPERATIONS.md, Outages). An empty pool fails faster
/// still ([`crate::blocking::FAST_FAIL`]).
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(3);

/// How long a start keeps trying to reach the database before it gives up.
pub const STARTUP_PATIENCE: Duration = Duration::from_secs(30);

/// The pause between two attempts to reach the database at start.
const RETRY_EVERY: Duration = Duration::from_millis(500);

/// The `connect_timeout` (seconds) added to a URL that sets none: an unreachable host must not
/// hang a connection attempt, and with it a request, past a few seconds.
const CONNECT_TIMEOUT_SECONDS: u32 = 3;

/// Why the start could not get the database ready. Each names `DATABASE_URL`, the variable an
/// operator fixes.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("DATABASE_URL: the database did not answer within {0:?}: {1}")]
    Unreachable(Duration, String),
    #[error("DATABASE_URL: the database migrations failed: {0}")]
    Failed(String),
}

/// A pool of at most `max_size` connections that connects lazily. Blocking calls on it belong
/// on a blocking thread ([`crate::blocking::with_connection`]).
pub fn pool(database_url: &str, max_size: u32) -> PgPool {
    let manager = PgManager::new(with_connect_timeout(database_url));
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(CHECKOUT_TIMEOUT)
        // The manager checks only connections it has a reason to doubt (`crate::pooled`).
        .test_on_check_out(true)
        .build_unchecked(manager)
}

/// `url` with `connect_timeout` set, unless it sets one already. Both forms libpq reads are
/// handled: a `postgres://` URL gets a query parameter, a `key=value` string one more pair.
fn with_connect_timeout(url: &str) -> String {
    let url = url.trim();
    if url.contains("connect_timeout=") {
        url.to_owned()
    } else if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        format!("{url} connect_timeout={CONNECT_TIMEOUT_SECONDS}")
    } else if url.contains('?') {
        format!("{url}&connect_timeout={CONNECT_TIMEOUT_SECONDS}")
    } else {
        format!("{url}?connect_timeout={CONNECT_TIMEOUT_SECONDS}")
    }
}

/// A service's embedded migrations (its `MIGRATIONS` constant) and the advisory-lock key its
/// instances take turns on. Each service has its own key, so two services sharing one server
/// never wait for each other.
#[derive(Clone, Copy)]
pub struct Migrations {
    pub source: &'static EmbeddedMigrations,
    pub lock_key: i64,
}

/// Lends a `'static` embedded source to Diesel, which takes sources by value.
struct Borrowed(&'static EmbeddedMigrations);

impl MigrationSource<Pg> for Borrowed {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<Pg>>>> {
        MigrationSource::<Pg>::migrations(self.0)
    }
}

/// Applies the pending migrations under the advisory lock and logs each one applied; returns
/// their versions. Blocking.
pub fn migrate(conn: &mut PgConnection, migrations: Migrations) -> Result<Vec<String>, String> {
    let key = migrations.lock_key;
    diesel::sql_query(format!("SELECT pg_advisory_lock({key})"))
        .execute(conn)
        .map_err(|e| e.to_string())?;
    let applied = conn
        .run_pending_migrations(Borrowed(migrations.source))
        .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>())
        .map_err(|e| e.to_string());
    // A failed unlock leaves the lock to the session's end, which a broken connection brings.
    let _ = diesel::sql_query(format!("SELECT pg_advisory_unlock({key})")).execute(conn);
    let applied = applied?;
    for version in &applied {
        log::info!("applied migration {version}");
    }
    Ok(applied)
}

/// Waits up to [`STARTUP_PATIENCE`] for the database, then migrates it: a service never serves
/// against an unmigrated database.
pub async fn migrate_when_ready(pool: &PgPool, migrations: Migrations) -> Result<(), MigrateError> {
    migrate_within(pool, migrations, STARTUP_PATIENCE).await
}

async fn migrate_within(
    pool: &PgPool,
    migrations: Migrations,
    patience: Duration,
) -> Result<(), MigrateError> {
    let started = Instant::now();
    loop {
        let attempt = pool.clone();
        let result = actix_web::web::block(move || match attempt.get() {
            Ok(mut conn) => Ok(migrate(&mut conn, migrations).map_err(MigrateError::Failed)),
            Err(unreachable) => Err(unreachable.to_string()),
        })
        .await
        .map_err(|e| MigrateError::Failed(e.to_string()))?;
        match result {
            Ok(migrated) => return migrated.map(|_| ()),
            Err(cause) if started.elapsed() >= patience => {
                return Err(MigrateError::Unreachable(patience, cause))
            }
            Err(cause) => {
                log::warn!("waiting for the database: {cause}");
                actix_web::rt::time::sleep(RETRY_EVERY).await;
            }
        }
    }
}

/// [`crate::blocking::with_connection`] on the PostgreSQL pool: `f` gets the connection itself.
pub async fn with_pg<T, E, F>(pool: &PgPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    crate::blocking::with_connection(pool, move |conn: &mut PooledPg| f(conn)).await
}

/// Whether the database answers `SELECT 1` within [`crate::blocking::READY_WITHIN`]: what
/// `GET /readyz` reports on both services, as a 503 with `Retry-After` when it does not.
pub async fn ready(pool: &PgPool) -> Result<(), DbError> {
    let ping = with_pg(pool, |conn| {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map(|_| ())
            .map_err(DbError::from)
    });
    // A probe wants an answer within its own timeout, whatever the database does.
    actix_web::rt::time::timeout(crate::blocking::READY_WITHIN, ping)
        .await
        .map_err(|_| DbError::Unavailable("readiness check timed out".into()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel_migrations::embed_migrations;
    use test_support::TestDatabase;

    /// auth-service's schema: any real set of migrations will do.
    const SOURCE: EmbeddedMigrations = embed_migrations!("../migrations");
    const MIGRATIONS: Migrations = Migrations {
        source: &SOURCE,
        lock_key: 0x7465_7374, // "test"
    };

    #[test]
    fn a_connect_timeout_is_added_unless_one_is_set() {
        assert_eq!(
            with_connect_timeout("postgres://h/db"),
            "postgres://h/db?connect_timeout=3"
        );
        assert_eq!(
            with_connect_timeout("postgresql://h/db?sslmode=require"),
            "postgresql://h/db?sslmode=require&connect_timeout=3"
        );
        assert_eq!(
            with_connect_timeout("host=h dbname=db"),
            "host=h dbname=db connect_timeout=3"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?connect_timeout=10"),
            "postgres://h/db?connect_timeout=10"
        );
    }

    #[actix_web::test]
    async fn instances_starting_together_migrate_once_and_both_start() {
        let db = TestDatabase::create();
        let (a, b) = (pool(db.url(), 2), pool(db.url(), 2));
        let (first, second) = tokio::join!(
            migrate_when_ready(&a, MIGRATIONS),
            migrate_when_ready(&b, MIGRATIONS),
        );
        first.unwrap();
        second.unwrap();
        let mut conn = a.get().unwrap();
        let again = migrate(&mut conn, MIGRATIONS).unwrap();
        assert!(again.is_empty(), "nothing left to apply: {again:?}");
        ready(&a).await.unwrap();
        db.set_available(false);
        assert!(matches!(ready(&a).await, Err(DbError::Unavailable(_))));
    }

    #[actix_web::test]
    async fn an_unreachable_database_names_database_url_once_patience_runs_out() {
        // Port 1: nothing listens there, so every attempt is refused at once.
        let unreachable = pool("postgres://postgres@127.0.0.1:1/none", 1);
        let started = Instant::now();
        let error = migrate_within(&unreachable, MIGRATIONS, Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(matches!(error, MigrateError::Unreachable(..)), "{error}");
        assert!(error.to_string().starts_with("DATABASE_URL: "), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
