//! Database work off the async workers.

use crate::db_error::DbError;
use crate::request_id;
use actix_web::web;
use r2d2::{ManageConnection, Pool, PooledConnection};
use std::time::Duration;

/// How long a checkout waits while the pool holds no connection at all: the database is gone
/// (or not reached yet), and a client is better served by a quick 503 than by the pool's full
/// timeout. A connection that can be made is made well within it, so recovery is as quick.
pub const FAST_FAIL: Duration = Duration::from_millis(250);

/// How long a readiness probe may take in all: probes usually give up after a second.
pub const READY_WITHIN: Duration = Duration::from_millis(500);

/// A connection from `pool`: the pool's own timeout while it holds connections, [`FAST_FAIL`]
/// once it has none left (each failed check-out or health check drops a dead one).
fn checkout<M: ManageConnection>(pool: &Pool<M>) -> Result<PooledConnection<M>, r2d2::Error> {
    if pool.state().connections == 0 {
        pool.get_timeout(FAST_FAIL)
    } else {
        pool.get()
    }
}

/// Runs `f` with a pooled connection on actix's blocking thread pool, so a slow or absent
/// database never stalls the async workers, and with the request's id, so its log lines carry
/// it. A connection that cannot be had within the pool's timeout is
/// [`DbError::Unavailable`] (503 in both services), in the caller's error type.
pub async fn with_connection<M, T, E, F>(pool: &Pool<M>, f: F) -> Result<T, E>
where
    M: ManageConnection,
    F: FnOnce(&mut M::Connection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    let pool = pool.clone();
    let id = request_id::current();
    web::block(move || {
        request_id::in_blocking(id, || {
            let mut conn = checkout(&pool).map_err(DbError::from)?;
            f(&mut conn)
        })
    })
    .await
    .map_err(DbError::from)?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request_id::RequestId;

    /// A pool of nothing: enough to exercise the helper without a database.
    struct Nothing;
    impl ManageConnection for Nothing {
        type Connection = ();
        type Error = std::io::Error;
        fn connect(&self) -> Result<(), std::io::Error> {
            Ok(())
        }
        fn is_valid(&self, _: &mut ()) -> Result<(), std::io::Error> {
            Ok(())
        }
        fn has_broken(&self, _: &mut ()) -> bool {
            false
        }
    }

    #[actix_web::test]
    async fn the_work_runs_on_another_thread_with_the_requests_id() {
        let pool = Pool::builder().max_size(1).build(Nothing).unwrap();
        let id = RequestId::generate();
        let here = std::thread::current().id();
        let (seen, thread) = request_id::scope(
            id.clone(),
            with_connection(&pool, |_conn| {
                Ok::<_, DbError>((request_id::current(), std::thread::current().id()))
            }),
        )
        .await
        .unwrap();
        assert_eq!(seen, Some(id));
        assert_ne!(thread, here, "the work left the async worker");
    }
}
