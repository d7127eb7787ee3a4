//! The mail worker: takes due mails from the outbox, sends them, and on failure tries again
//! later with a doubling wait (docs/RECOVERY.md, Delivery). It runs on every instance; rows are
//! claimed with `SKIP LOCKED` and a lease, so two instances never send one mail at the same
//! time, and a mail claimed by an instance that died is sent by another once the lease ends.

use super::transport::{SendError, Transport};
use super::Outbox;
use crate::db::email_tokens::{self, RESET_REQUEST};
use crate::db::{self, outbox, PgPool};
use crate::domain::LinkToken;
use crate::metrics::{AuthMetrics, MailOutcome};
use chrono::{TimeDelta, Utc};
use service_kit::{Background, StopSignal, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// How often the worker looks for due mails when nobody wakes it: retries come due, and other
/// instances may have queued mail.
const POLL: Duration = Duration::from_secs(1);
/// Mails taken per round.
const BATCH: i64 = 16;
/// How long a claimed mail is left to its sender before another may take it; longer than the
/// SMTP timeout.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// How often the per-recipient limiter forgets idle recipients.
const FORGET_EVERY: u32 = 60;

pub fn spawn(
    background: &mut Background,
    pool: PgPool,
    outbox: Outbox,
    transport: Transport,
    metrics: Arc<AuthMetrics>,
) {
    background.spawn("mail", move |mut stop| async move {
        let worker = Worker {
            pool,
            outbox,
            transport,
            metrics,
        };
        let mut rounds = 0u32;
        loop {
            let full = match worker.round(&stop).await {
                Ok(taken) => taken == BATCH as usize,
                Err(e) => {
                    log::warn!("mail: the outbox could not be read, will retry: {e}");
                    false
                }
            };
            rounds = rounds.wrapping_add(1);
            if rounds.is_multiple_of(FORGET_EVERY) {
                worker.outbox.forget_idle();
            }
            if stop.is_raised() {
                return;
            }
            if full {
                continue;
            }
            tokio::select! {
                _ = worker.outbox.wake.notified() => {}
                slept = stop.sleep(POLL) => if !slept { return },
            }
        }
    });
}

struct Worker {
    pool: PgPool,
    outbox: Outbox,
    transport: Transport,
    metrics: Arc<AuthMetrics>,
}

impl Worker {
    /// Drops expired mails, then sends the due ones; how many were taken.
    async fn round(&self, stop: &StopSignal) -> Result<usize, StoreError> {
        let now = Utc::now();
        let (expired, due) = db::blocking(&self.pool, move |conn| {
            let expired = outbox::drop_expired(conn, now)?;
            let due = outbox::claim_due(conn, now, now + LEASE, BATCH)?;
            Ok::<_, StoreError>((expired, due))
        })
        .await?;
        for kind in expired {
            log::warn!("mail: dropped unsent, its link expired: kind={kind}");
            self.metrics.mail(MailOutcome::Dropped);
        }
        let taken = due.len();
        for mail in due {
            if stop.is_raised() {
                // Its lease runs out and the next start (or another instance) sends it.
                break;
            }
            if mail.kind == RESET_REQUEST {
                self.resolve_reset_request(mail.id, mail.recipient).await?;
                continue;
            }
            let settings = self.outbox.settings();
            let result = self
                .transport
                .send(
                    &settings.from,
                    &mail.recipient,
                    &mail.subject,
                    mail.text_body,
                    mail.html_body,
                )
                .await;
            let (id, kind, attempts) = (mail.id, mail.kind, mail.attempts);
            match result {
                Ok(()) => {
                    log::info!("mail: sent kind={kind} id={id} attempts={}", attempts + 1);
                    self.metrics.mail(MailOutcome::Sent);
                    db::blocking(&self.pool, move |conn| {
                        Ok::<_, StoreError>(outbox::delivered(conn, id)?)
                    })
                    .await?;
                }
                Err(SendError {
                    message,
                    permanent: true,
                }) => {
                    log::warn!("mail: refused for good, dropped: kind={kind} id={id}: {message}");
                    self.metrics.mail(MailOutcome::Dropped);
                    db::blocking(&self.pool, move |conn| {
                        Ok::<_, StoreError>(outbox::delivered(conn, id)?)
                    })
                    .await?;
                }
                Err(SendError { message, .. }) => {
                    let wait = backoff(settings.retry_initial, settings.retry_max, attempts);
                    log::warn!(
                        "mail: not sent, next try in {}s: kind={kind} id={id} attempt={}: \
                         {message}",
                        wait.as_secs_f64(),
                        attempts + 1
                    );
                    self.metrics.mail(MailOutcome::Retried);
                    let next = Utc::now() + TimeDelta::from_std(wait).unwrap_or(LEASE);
                    db::blocking(&self.pool, move |conn| {
                        Ok::<_, StoreError>(outbox::failed(conn, id, next, &message)?)
                    })
                    .await?;
                }
            }
        }
        Ok(taken)
    }
}

impl Worker {
    /// Turns a `forgot` request into a reset link and its mail when an account uses the
    /// address, or into nothing; the request row goes either way. Off the request path, so its
    /// cost tells a requester nothing.
    async fn resolve_reset_request(&self, id: i64, email: String) -> Result<(), StoreError> {
        let token = LinkToken::generate();
        let mail = self.outbox.templates().password_reset(token.expose());
        let lifetime = self.outbox.settings().reset_lifetime;
        let expires_at = super::expiry(lifetime);
        let hash = token.hash();
        let queued = db::blocking(&self.pool, move |conn| {
            Ok::<_, StoreError>(email_tokens::resolve_reset_request(
                conn, id, &email, &hash, expires_at, &mail,
            )?)
        })
        .await?;
        if queued {
            // The reset mail is due now: the next round, without a pause, sends it.
            self.outbox.wake();
        }
        log::info!("password reset request resolved: id={id} mail_queued={queued}");
        Ok(())
    }
}

/// The wait after the `attempts + 1`-th failure: `initial`, doubled per earlier failure, at
/// most `max`.
fn backoff(initial: Duration, max: Duration, attempts: i32) -> Duration {
    let doublings = attempts.clamp(0, 20) as u32;
    initial.saturating_mul(1 << doublings).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_maximum() {
        let (initial, max) = (Duration::from_secs(10), Duration::from_secs(600));
        let waits: Vec<u64> = (0..8).map(|a| backoff(initial, max, a).as_secs()).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 600, 600]);
        assert_eq!(backoff(initial, max, i32::MAX), max);
    }
}
