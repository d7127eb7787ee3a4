//! Account-recovery mail (docs/RECOVERY.md): the settings, the templates, the outbox handle the
//! request path uses, and the worker that sends what the outbox holds.
//!
//! A request never talks to the mail server. It writes the mail into `mail_outbox` in the same
//! transaction as the change the mail reports and wakes the worker; the worker sends, retries
//! with backoff while the server is away, and deletes the row once the server took the mail.

mod limits;
mod links;
mod templates;
mod transport;
mod worker;

pub use crate::config::{expiry, Delivery, MailLimits, MailSettings};
pub use limits::MailAsk;
pub use templates::{Mail, Templates};
pub use transport::Transport;
pub use worker::spawn;

use limits::MailBudgets;
use std::sync::Arc;
use tokio::sync::Notify;

/// What requests need of mail: the templates and lifetimes, the mail budgets, and a way to wake
/// the workers. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    settings: Arc<MailSettings>,
    /// One per lane (`crate::db::outbox::Lane`): reset links, everything else.
    wake_reset: Arc<Notify>,
    wake_other: Arc<Notify>,
    budgets: Arc<MailBudgets>,
}

impl Outbox {
    pub fn new(settings: MailSettings) -> Self {
        let budgets = Arc::new(MailBudgets::new(&settings.limits));
        Self {
            settings: Arc::new(settings),
            wake_reset: Arc::new(Notify::new()),
            wake_other: Arc::new(Notify::new()),
            budgets,
        }
    }

    pub fn settings(&self) -> &MailSettings {
        &self.settings
    }

    pub fn templates(&self) -> Templates<'_> {
        Templates::new(&self.settings)
    }

    /// Tells the workers a mail is waiting, so it goes out now rather than at the next poll.
    pub fn wake(&self) {
        self.wake_reset.notify_one();
        self.wake_other.notify_one();
    }

    /// Counts one requested mail against every budget it falls under (docs/RECOVERY.md,
    /// Limits); `Err(seconds to wait)` when one is spent.
    pub fn allow(&self, ask: &MailAsk<'_>) -> Result<(), u64> {
        self.budgets.allow(ask)
    }

    /// Forgets askers and recipients whose budget is whole again.
    fn forget_idle(&self) {
        self.budgets.forget_idle();
    }
}
