//! The mail workers: take due mails from the outbox, send them, and on failure try again later
//! with a doubling wait (docs/RECOVERY.md, Mail delivery). Two run on every instance, one per lane:
//! reset links go out on their own, so they never wait behind other mail. Rows are claimed with
//! `SKIP LOCKED` and a lease, so two instances never send one mail at the same time, and a mail
//! claimed by an instance that died is sent by another once the lease ends.

use super::links::{self, LinkMail};
use super::transport::{SendError, Transport};
use super::{Mail, Outbox};
use crate::db::outbox::{self, Lane, QueuedMail};
use crate::db::{self, email_tokens, PgPool};
use crate::metrics::{AuthMetrics, MailOutcome};
use chrono::{TimeDelta, Utc};
use service_kit::{Background, DbError, StopSignal};
use std::sync::Arc;
use std::time::Duration;

/// How often a worker looks for due mails when nobody wakes it: retries come due, and other
/// instances may have queued mail.
const POLL: Duration = Duration::from_secs(1);
/// Mails taken per round.
const BATCH: i64 = 16;
/// How long a claimed mail is left to its sender before another may take it; longer than the
/// SMTP timeout.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// How often (in rounds of the other lane) the budgets forget idle keys and the gauges are read.
const FORGET_EVERY: u32 = 60;
const GAUGES_EVERY: u32 = 5;

pub fn spawn(
    background: &mut Background,
    pool: PgPool,
    outbox: Outbox,
    transport: Transport,
    metrics: Arc<AuthMetrics>,
) {
    let worker = Arc::new(Worker {
        pool,
        outbox,
        transport,
        metrics,
    });
    for lane in [Lane::Reset, Lane::Other] {
        let worker = worker.clone();
        let name = match lane {
            Lane::Reset => "mail-reset",
            Lane::Other => "mail",
        };
        background.spawn(
            name,
            move |stop| async move { worker.run(lane, stop).await },
        );
    }
}

struct Worker {
    pool: PgPool,
    outbox: Outbox,
    transport: Transport,
    metrics: Arc<AuthMetrics>,
}

impl Worker {
    async fn run(&self, lane: Lane, mut stop: StopSignal) {
        let wake = match lane {
            Lane::Reset => self.outbox.wake_reset.clone(),
            Lane::Other => self.outbox.wake_other.clone(),
        };
        let mut rounds = 0u32;
        loop {
            let full = match self.round(lane, &stop).await {
                Ok(taken) => taken == BATCH as usize,
                Err(e) => {
                    log::warn!("mail: the outbox could not be read, will retry: {e}");
                    false
                }
            };
            rounds = rounds.wrapping_add(1);
            if lane == Lane::Other {
                if rounds.is_multiple_of(FORGET_EVERY) {
                    self.outbox.forget_idle();
                }
                if rounds.is_multiple_of(GAUGES_EVERY) {
                    self.read_gauges().await;
                }
            }
            if stop.is_raised() {
                return;
            }
            if full {
                continue;
            }
            tokio::select! {
                _ = wake.notified() => {}
                slept = stop.sleep(POLL) => if !slept { return },
            }
        }
    }

    /// Drops expired mails, then sends the due ones of `lane`; how many were taken.
    async fn round(&self, lane: Lane, stop: &StopSignal) -> Result<usize, DbError> {
        let now = Utc::now();
        let (expired, due) = db::blocking(&self.pool, move |conn| {
            let expired = outbox::drop_expired(conn, now)?;
            let due = outbox::claim_due(conn, lane, now, now + LEASE, BATCH)?;
            Ok::<_, DbError>((expired, due))
        })
        .await?;
        for kind in expired {
            log::warn!("mail: dropped unsent, its link expired: kind={kind}");
            self.metrics.mail(MailOutcome::Dropped);
        }
        let taken = due.len();
        for row in due {
            if stop.is_raised() {
                // Its lease runs out and the next start (or another instance) sends it.
                break;
            }
            self.deliver(row).await?;
        }
        Ok(taken)
    }

    /// Sends one claimed mail: a notice as stored, a link mail made now.
    async fn deliver(&self, row: QueuedMail) -> Result<(), DbError> {
        let (id, attempts) = (row.id, row.attempts);
        let (mail, token_hash) = if links::is_link(&row.kind) {
            match links::render(&self.pool, &self.outbox, &row).await? {
                Some(LinkMail { mail, token_hash }) => (mail, Some(token_hash)),
                None => {
                    log::info!("mail: no longer wanted, dropped: kind={} id={id}", row.kind);
                    return self.forget(id).await;
                }
            }
        } else {
            let mail = Mail {
                kind: "notice",
                subject: row.subject,
                text: row.text_body,
                html: row.html_body,
            };
            (mail, None)
        };
        let kind = row.kind;
        let settings = self.outbox.settings();
        let result = self
            .transport
            .send(
                &settings.from,
                &row.recipient,
                &mail.subject,
                mail.text,
                mail.html,
            )
            .await;
        let retire = move |conn: &mut diesel::PgConnection| match &token_hash {
            // Nobody received this link: it must not stay usable.
            Some(hash) => email_tokens::retire_unsent(conn, hash, Utc::now()).map(|_| ()),
            None => Ok(()),
        };
        match result {
            Ok(()) => {
                log::info!("mail: sent kind={kind} id={id} attempts={}", attempts + 1);
                self.metrics.mail(MailOutcome::Sent);
                self.forget(id).await
            }
            Err(SendError {
                message,
                permanent: true,
            }) => {
                log::warn!("mail: refused for good, dropped: kind={kind} id={id}: {message}");
                self.metrics.mail(MailOutcome::Dropped);
                db::blocking(&self.pool, move |conn| {
                    retire(conn)?;
                    Ok::<_, DbError>(outbox::delivered(conn, id).map(|_| ())?)
                })
                .await
            }
            Err(SendError { message, .. }) => {
                let wait = backoff(settings.retry_initial, settings.retry_max, attempts);
                log::warn!(
                    "mail: not sent, next try in {}s: kind={kind} id={id} attempt={}: {message}",
                    wait.as_secs_f64(),
                    attempts + 1
                );
                self.metrics.mail(MailOutcome::Retried);
                let next = Utc::now() + TimeDelta::from_std(wait).unwrap_or(LEASE);
                db::blocking(&self.pool, move |conn| {
                    retire(conn)?;
                    Ok::<_, DbError>(outbox::failed(conn, id, next, &message).map(|_| ())?)
                })
                .await
            }
        }
    }

    /// The row is done with: sent, refused for good, or no longer wanted.
    async fn forget(&self, id: i64) -> Result<(), DbError> {
        db::blocking(&self.pool, move |conn| {
            Ok::<_, DbError>(outbox::delivered(conn, id).map(|_| ())?)
        })
        .await
    }

    /// Updates the outbox gauges; a failed read leaves them as they were.
    async fn read_gauges(&self) {
        let read = db::blocking(&self.pool, |conn| Ok::<_, DbError>(outbox::depth(conn)?));
        match read.await {
            Ok((depth, oldest)) => {
                let age = oldest.map_or(0, |at| (Utc::now() - at).num_seconds().max(0));
                self.metrics.outbox(depth, age);
            }
            Err(e) => log::warn!("mail: the outbox gauges could not be read: {e}"),
        }
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
