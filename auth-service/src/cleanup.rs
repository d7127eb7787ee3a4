//! The background cleanup: removes dead sessions (and their tokens), expired refresh tokens,
//! stale failed-login counts, old audit events and old events, in small batches on the blocking pool, so the
//! tables stay bounded under steady traffic and requests never wait on it.

use crate::account::throttle;
use crate::db::{self, cleanup, PgPool};
use crate::http::rate_limit::RateLimiters;
use actix_web::web;
use chrono::{TimeDelta, Utc};
use diesel::PgConnection;
use service_kit::{Background, DbError, StopSignal};
use std::time::Duration;

const BATCH: i64 = 500;
/// A pause between batches leaves the pool and the disk to requests.
const PAUSE: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub sessions_and_tokens: Duration,
    pub audit_events: Duration,
    pub events: Duration,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sessions: usize,
    pub refresh_tokens: usize,
    pub email_tokens: usize,
    pub login_failures: usize,
    pub audit_events: usize,
    pub events: usize,
}

type BatchDelete = fn(&mut PgConnection, chrono::DateTime<Utc>, i64) -> diesel::QueryResult<usize>;

/// Runs `delete` in batches until a batch comes back short, or the service is stopping (the
/// batch under way finishes; the rest waits for the next start).
async fn drain(
    pool: &PgPool,
    delete: BatchDelete,
    older_than: Duration,
    stop: Option<&StopSignal>,
) -> Result<usize, DbError> {
    let before = Utc::now() - TimeDelta::seconds(older_than.as_secs() as i64);
    let mut total = 0;
    loop {
        let deleted = db::blocking(pool, move |conn| {
            Ok::<_, DbError>(delete(conn, before, BATCH)?)
        })
        .await?;
        total += deleted;
        if deleted < BATCH as usize || stop.is_some_and(StopSignal::is_raised) {
            return Ok(total);
        }
        actix_web::rt::time::sleep(PAUSE).await;
    }
}

/// One full pass. Safe to run on several instances at once.
pub async fn run_once(pool: &PgPool, retention: Retention) -> Result<Report, DbError> {
    run_pass(pool, retention, None).await
}

async fn run_pass(
    pool: &PgPool,
    retention: Retention,
    stop: Option<&StopSignal>,
) -> Result<Report, DbError> {
    let keep = retention.sessions_and_tokens;
    Ok(Report {
        sessions: drain(pool, cleanup::dead_sessions, keep, stop).await?,
        refresh_tokens: drain(pool, cleanup::expired_refresh_tokens, keep, stop).await?,
        email_tokens: drain(pool, cleanup::expired_email_tokens, keep, stop).await?,
        login_failures: drain(pool, cleanup::stale_login_failures, throttle::WINDOW, stop).await?,
        audit_events: drain(
            pool,
            cleanup::old_audit_events,
            retention.audit_events,
            stop,
        )
        .await?,
        events: drain(pool, cleanup::old_events, retention.events, stop).await?,
    })
}

/// Starts the periodic cleanup as a background task that stops with the service.
pub fn spawn(
    background: &mut Background,
    pool: PgPool,
    retention: Retention,
    interval: Duration,
    limiters: Option<web::Data<RateLimiters>>,
) {
    background.spawn("cleanup", move |mut stop| async move {
        while stop.sleep(interval).await {
            if let Some(limiters) = &limiters {
                limiters.forget_idle();
            }
            match run_pass(&pool, retention, Some(&stop)).await {
                Ok(report) if report != Report::default() => {
                    log::info!("cleanup removed {report:?}")
                }
                Ok(_) => {}
                Err(e) => log::warn!("cleanup failed, will retry next interval: {e}"),
            }
        }
    });
}
