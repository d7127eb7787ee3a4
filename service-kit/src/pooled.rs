//! The pool's connections, checked on check-out only when there is a reason to doubt them.
//!
//! r2d2 can check every connection it hands out (`SELECT 1`), which costs a round trip per
//! request: half of all the round trips of a refresh. A connection that was handed back a moment
//! ago without a failed statement is as good as one just checked, so [`PgManager`] checks only a
//! connection whose last statement failed (the database may be gone) or that has not been seen
//! working for [`TRUST_FOR`] (the database may have restarted meanwhile). A dead connection that
//! is still trusted fails one request with a 503, is then checked and dropped: after a database
//! restart, each connection used in the last [`TRUST_FOR`] costs at most one such request
//! (docs/OPERATIONS.md, Outages).

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Error, ManageConnection};
use diesel::Connection;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a connection seen working is trusted without a check.
pub const TRUST_FOR: Duration = Duration::from_secs(1);

/// Makes and checks the pool's PostgreSQL connections.
pub struct PgManager {
    inner: ConnectionManager<PgConnection>,
}

impl PgManager {
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            inner: ConnectionManager::new(database_url),
        }
    }
}

/// A pooled connection and what the pool knows of its health. Derefs to the connection.
pub struct PooledPg {
    conn: PgConnection,
    /// Set by the connection's instrumentation when a statement fails.
    failed: Arc<AtomicBool>,
    /// When the connection last worked: made, checked, or handed back with no failure.
    worked_at: Instant,
}

impl Deref for PooledPg {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.conn
    }
}

impl DerefMut for PooledPg {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}

/// Raises the flag when any statement fails, whatever the reason.
struct FailureFlag(Arc<AtomicBool>);

impl Instrumentation for FailureFlag {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery { error: Some(_), .. } = event {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

impl PooledPg {
    fn new(mut conn: PgConnection) -> Self {
        let failed = Arc::new(AtomicBool::new(false));
        conn.set_instrumentation(FailureFlag(failed.clone()));
        Self {
            conn,
            failed,
            worked_at: Instant::now(),
        }
    }

    /// Whether the connection needs a check before it is handed out; clears the failure flag.
    fn doubtful(&mut self) -> bool {
        let failed = self.failed.swap(false, Ordering::Relaxed);
        failed || self.worked_at.elapsed() >= TRUST_FOR
    }
}

impl ManageConnection for PgManager {
    type Connection = PooledPg;
    type Error = Error;

    fn connect(&self) -> Result<PooledPg, Error> {
        self.inner.connect().map(PooledPg::new)
    }

    fn is_valid(&self, conn: &mut PooledPg) -> Result<(), Error> {
        if conn.doubtful() {
            self.inner.is_valid(&mut conn.conn)?;
            conn.worked_at = Instant::now();
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut PooledPg) -> bool {
        if self.inner.has_broken(&mut conn.conn) {
            return true;
        }
        if !conn.failed.load(Ordering::Relaxed) {
            conn.worked_at = Instant::now();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::RunQueryDsl;
    use test_support::TestDatabase;

    fn manager(db: &TestDatabase) -> PgManager {
        PgManager::new(db.url())
    }

    #[test]
    fn a_connection_handed_back_healthy_is_not_checked_again_at_once() {
        let db = TestDatabase::create();
        let manager = manager(&db);
        let mut conn = manager.connect().unwrap();
        diesel::sql_query("SELECT 1").execute(&mut *conn).unwrap();
        assert!(!manager.has_broken(&mut conn));
        assert!(!conn.doubtful());
    }

    #[test]
    fn a_failed_statement_or_a_long_rest_calls_for_a_check() {
        let db = TestDatabase::create();
        let manager = manager(&db);
        let mut conn = manager.connect().unwrap();
        assert!(diesel::sql_query("SELECT no_such_column")
            .execute(&mut *conn)
            .is_err());
        assert!(!manager.has_broken(&mut conn));
        assert!(conn.doubtful(), "after a failed statement");
        assert!(
            !conn.doubtful(),
            "the flag is cleared by the check it called for"
        );
        conn.worked_at = Instant::now() - TRUST_FOR;
        assert!(conn.doubtful(), "after a rest of TRUST_FOR");
    }

    #[test]
    fn a_connection_whose_server_side_ended_is_refused_once_it_failed() {
        let db = TestDatabase::create();
        let manager = manager(&db);
        let mut conn = manager.connect().unwrap();
        let mut other = manager.connect().unwrap();
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .execute(&mut *other)
        .unwrap();
        // Still trusted: the next statement fails, as the request using it would.
        assert!(manager.is_valid(&mut conn).is_ok());
        assert!(diesel::sql_query("SELECT 1").execute(&mut *conn).is_err());
        manager.has_broken(&mut conn);
        assert!(
            manager.is_valid(&mut conn).is_err(),
            "checked, and found dead"
        );
    }
}
