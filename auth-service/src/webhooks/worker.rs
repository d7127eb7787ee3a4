//! The worker of one endpoint (docs/EVENTS.md, Webhooks): it holds the endpoint's lease, posts
//! the events after its cursor one at a time in log order, and moves the cursor past each one the
//! endpoint took (or that it gave up on). Every instance runs one per endpoint; the lease lets one
//! of them deliver at a time, and another takes over once it lapses.
//!
//! A crash loses nothing: the cursor moves only after a 2xx, so the event in flight is posted
//! again by whoever holds the lease next (at least once). A slow or failing endpoint holds up
//! only its own worker, never another endpoint's or a request.

use super::client::{DeliveryError, WebhookClient};
use crate::config::WebhookEndpoint;
use crate::db::events::{self, EventRow};
use crate::db::{self, webhooks, PgPool};
use crate::events::{Envelope, EventFeed};
use crate::metrics::{AuthMetrics, WebhookOutcome};
use service_kit::{DbError, StopSignal};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a lease lasts unless renewed. Longer than a delivery may take (`WEBHOOK_TIMEOUT` is
/// at most 20 s) plus a renewal's slack.
const LEASE: Duration = Duration::from_secs(30);
/// How often the holder renews its lease while it works or waits.
const RENEW_EVERY: Duration = Duration::from_secs(10);
/// How often an instance that does not hold the lease tries to take it.
const CONTEND_EVERY: Duration = Duration::from_secs(1);
/// The longest an idle worker waits before it reads the log again, should the feed's watch on
/// the newest position miss an event.
const IDLE_CHECK: Duration = Duration::from_secs(1);
/// Events read per round.
const BATCH: i64 = 100;

/// How hard one event is tried.
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    pub initial: Duration,
    pub max: Duration,
    pub max_attempts: u32,
}

pub struct EndpointWorker {
    pub pool: PgPool,
    pub feed: EventFeed,
    pub client: Arc<WebhookClient>,
    pub endpoint: WebhookEndpoint,
    pub retries: Retries,
    pub metrics: Arc<AuthMetrics>,
    /// This instance, as the lease names it.
    pub owner: Uuid,
}

/// Why delivering stopped while the lease was held.
enum Interrupted {
    Stopping,
    /// Another instance took the endpoint over (this one's lease lapsed).
    LeaseLost,
    Database(DbError),
}

impl From<DbError> for Interrupted {
    fn from(e: DbError) -> Self {
        Self::Database(e)
    }
}

impl EndpointWorker {
    pub async fn run(self, mut stop: StopSignal) {
        let label = self.endpoint.label.clone();
        loop {
            match self.acquire().await {
                Ok(Some(cursor)) => {
                    log::info!("webhooks: delivering to {label} from position {cursor}");
                    let ended = self.deliver_from(cursor, &mut stop).await;
                    self.metrics.webhook_backlog(&label, 0);
                    match ended {
                        Interrupted::Stopping => {
                            if let Err(e) = self.release().await {
                                log::warn!("webhooks: the lease on {label} was not let go: {e}");
                            }
                            return;
                        }
                        Interrupted::LeaseLost => {
                            log::warn!("webhooks: another instance took over {label}");
                        }
                        Interrupted::Database(e) => {
                            log::warn!("webhooks: {label} paused, the database failed: {e}");
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => log::warn!("webhooks: the lease on {label} could not be read: {e}"),
            }
            if !stop.sleep(CONTEND_EVERY).await {
                return;
            }
        }
    }

    /// Delivers while the lease holds, from `cursor` on.
    async fn deliver_from(&self, mut cursor: i64, stop: &mut StopSignal) -> Interrupted {
        let label = &self.endpoint.label;
        let mut head = self.feed.head();
        let mut renewed = Instant::now();
        loop {
            if stop.is_raised() {
                return Interrupted::Stopping;
            }
            // Marked seen before the read, so an event committed after it still wakes us.
            head.borrow_and_update();
            let (batch, newest) = match self.read(cursor).await {
                Ok(read) => read,
                Err(e) => return e.into(),
            };
            self.metrics
                .webhook_backlog(label, (newest - cursor).max(0));
            if batch.is_empty() {
                tokio::select! {
                    _ = head.changed() => {}
                    _ = tokio::time::sleep(IDLE_CHECK) => {}
                    _ = stop.raised() => return Interrupted::Stopping,
                }
            }
            for event in &batch {
                if let Err(ended) = self.deliver(event, cursor, stop, &mut renewed).await {
                    return ended;
                }
                if let Err(ended) = self.hold(event.seq).await {
                    return ended;
                }
                cursor = event.seq;
                renewed = Instant::now();
                self.metrics
                    .webhook_backlog(label, (newest - cursor).max(0));
            }
            if let Err(ended) = self.renew_if_due(cursor, &mut renewed).await {
                return ended;
            }
        }
    }

    /// Posts one event until the endpoint takes it or `max_attempts` failed; either way the
    /// endpoint then goes on to the next.
    async fn deliver(
        &self,
        event: &EventRow,
        cursor: i64,
        stop: &mut StopSignal,
        renewed: &mut Instant,
    ) -> Result<(), Interrupted> {
        let label = &self.endpoint.label;
        let Ok(body) = serde_json::to_vec(&Envelope::from(event)) else {
            log::error!("webhooks: event {} could not be written as JSON", event.id);
            self.metrics.webhook(label, WebhookOutcome::GaveUp);
            return Ok(());
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let result = self
                .client
                .deliver(&self.endpoint.url, event.id, &body)
                .await;
            self.metrics.webhook_attempt_took(label, started.elapsed());
            let error = match result {
                Ok(()) => {
                    log::debug!("webhooks: {label} took event {} ({})", event.id, event.kind);
                    self.metrics.webhook(label, WebhookOutcome::Delivered);
                    return Ok(());
                }
                Err(error) => error,
            };
            self.metrics.webhook(
                label,
                match error {
                    DeliveryError::Refused(_) => WebhookOutcome::Refused,
                    DeliveryError::Failed(_) => WebhookOutcome::Failed,
                },
            );
            if attempt >= self.retries.max_attempts {
                log::error!(
                    "webhooks: gave up on event {} ({}) for {label} after {attempt} attempts: \
                     {error}",
                    event.id,
                    event.kind
                );
                self.metrics.webhook(label, WebhookOutcome::GaveUp);
                return Ok(());
            }
            let wait = backoff(self.retries, attempt);
            log::warn!(
                "webhooks: {label} did not take event {} (attempt {attempt}), next try in \
                 {:.1}s: {error}",
                event.id,
                wait.as_secs_f64()
            );
            self.pause(wait, cursor, stop, renewed).await?;
        }
    }

    /// Waits `wait` before the next attempt, renewing the lease meanwhile.
    async fn pause(
        &self,
        wait: Duration,
        cursor: i64,
        stop: &mut StopSignal,
        renewed: &mut Instant,
    ) -> Result<(), Interrupted> {
        let until = Instant::now() + wait;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            if !stop.sleep(left.min(RENEW_EVERY)).await {
                return Err(Interrupted::Stopping);
            }
            self.renew_if_due(cursor, renewed).await?;
        }
    }

    async fn renew_if_due(&self, cursor: i64, renewed: &mut Instant) -> Result<(), Interrupted> {
        if renewed.elapsed() >= RENEW_EVERY {
            self.hold(cursor).await?;
            *renewed = Instant::now();
        }
        Ok(())
    }

    /// Moves the cursor to `seq` (where it is, to renew only) while the lease is still ours.
    async fn hold(&self, seq: i64) -> Result<(), Interrupted> {
        let (endpoint, owner) = (self.key(), self.owner);
        let held = db::blocking(&self.pool, move |conn| {
            Ok::<_, DbError>(webhooks::advance(conn, &endpoint, owner, seq, LEASE)?)
        })
        .await?;
        if held {
            Ok(())
        } else {
            Err(Interrupted::LeaseLost)
        }
    }

    async fn acquire(&self) -> Result<Option<i64>, DbError> {
        let (endpoint, owner) = (self.key(), self.owner);
        db::blocking(&self.pool, move |conn| {
            Ok::<_, DbError>(webhooks::acquire(conn, &endpoint, owner, LEASE)?)
        })
        .await
    }

    async fn release(&self) -> Result<(), DbError> {
        let (endpoint, owner) = (self.key(), self.owner);
        db::blocking(&self.pool, move |conn| {
            Ok::<_, DbError>(webhooks::release(conn, &endpoint, owner)?)
        })
        .await
    }

    /// The events after `cursor`, and the newest position (for the backlog gauge).
    async fn read(&self, cursor: i64) -> Result<(Vec<EventRow>, i64), DbError> {
        db::blocking(&self.pool, move |conn| {
            let batch = events::after(conn, cursor, BATCH)?;
            let newest = events::head(conn)?;
            Ok::<_, DbError>((batch, newest))
        })
        .await
    }

    /// The endpoint's row in `webhook_cursors`: its URL as configured.
    fn key(&self) -> String {
        self.endpoint.url.as_str().to_owned()
    }
}

/// The wait after the `failures`-th failure in a row: `initial`, doubled per earlier failure, at
/// most `max`.
fn backoff(retries: Retries, failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(30);
    retries
        .initial
        .saturating_mul(1 << doublings)
        .min(retries.max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_the_first_up_to_the_maximum() {
        let retries = Retries {
            initial: Duration::from_secs(5),
            max: Duration::from_secs(3600),
            max_attempts: 12,
        };
        let waits: Vec<u64> = (1..=12).map(|f| backoff(retries, f).as_secs()).collect();
        assert_eq!(
            waits,
            [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
        );
        assert_eq!(backoff(retries, u32::MAX), retries.max);
    }
}
