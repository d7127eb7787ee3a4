//! Account-recovery mail (docs/RECOVERY.md): the settings, the templates, the outbox handle the
//! request path uses, and the worker that sends what the outbox holds.
//!
//! A request never talks to the mail server. It writes the mail into `mail_outbox` in the same
//! transaction as the change the mail reports and wakes the worker; the worker sends, retries
//! with backoff while the server is away, and deletes the row once the server took the mail.

mod settings;
mod templates;
mod transport;
mod worker;

pub use settings::{expiry, Delivery, MailSettings};
pub use templates::{Mail, Templates};
pub use transport::Transport;
pub use worker::spawn;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// What requests need of mail: the templates and lifetimes, the per-recipient limit, and a way
/// to wake the worker. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    settings: Arc<MailSettings>,
    wake: Arc<Notify>,
    per_recipient: Option<Arc<DefaultKeyedRateLimiter<String>>>,
}

impl Outbox {
    pub fn new(settings: MailSettings) -> Self {
        let per_recipient = settings.per_recipient.map(|limit| {
            let per_mail = limit.period / limit.count.get();
            let quota = Quota::with_period(per_mail.max(Duration::from_nanos(1)))
                .unwrap_or_else(|| Quota::per_second(limit.count))
                .allow_burst(limit.count);
            Arc::new(RateLimiter::keyed(quota))
        });
        Self {
            settings: Arc::new(settings),
            wake: Arc::new(Notify::new()),
            per_recipient,
        }
    }

    pub fn settings(&self) -> &MailSettings {
        &self.settings
    }

    pub fn templates(&self) -> Templates<'_> {
        Templates::new(&self.settings)
    }

    /// Tells the worker a mail is waiting, so it goes out now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Counts one requested mail to `recipient` (a normalised address); `Err(seconds to wait)`
    /// when it has had its share. Kept per address whether or not an account uses it, so the
    /// answer tells nothing about the address.
    pub fn allow(&self, recipient: &str) -> Result<(), u64> {
        let Some(limiter) = &self.per_recipient else {
            return Ok(());
        };
        limiter
            .check_key(&recipient.to_owned())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
            })
    }

    /// Forgets recipients whose budget is whole again: memory follows recent requests only.
    fn forget_idle(&self) {
        if let Some(limiter) = &self.per_recipient {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}
