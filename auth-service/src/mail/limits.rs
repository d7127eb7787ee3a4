//! The budgets of requested mails (docs/RECOVERY.md, Limits), kept in this instance's memory:
//!
//! - per client address: one address cannot make the service mail many people;
//! - per account: one account cannot either, with its own password and fresh addresses;
//! - per recipient and asking address: a stranger who spends their share on someone's address
//!   leaves the owner's own share (asked from their own address) whole;
//! - per recipient in all: no address is mailed more than this, however many ask.
//!
//! The budgets are checked from the asker's own outwards, and a refusal stops there, so a refused
//! request spends nothing of the recipient's total.

use crate::config::MailLimits;
use crate::config::RateLimit;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::time::Duration;
use uuid::Uuid;

/// Who asks for a mail to whom.
pub struct MailAsk<'a> {
    /// The normalised address to be mailed.
    pub recipient: &'a str,
    /// The account asking, when the request is authenticated.
    pub account: Option<Uuid>,
    /// The client's address as the limits count it (`ClientInfo::throttle_key`).
    pub client: &'a str,
}

struct Budget<K: Hash + Eq + Clone>(Option<DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> Budget<K> {
    /// `limit` per period with all of it available at once.
    fn new(limit: Option<RateLimit>) -> Self {
        Self(limit.map(|limit| {
            let per_mail = limit.period / limit.count.get();
            let quota = Quota::with_period(per_mail.max(Duration::from_nanos(1)))
                .unwrap_or_else(|| Quota::per_second(limit.count))
                .allow_burst(limit.count);
            RateLimiter::keyed(quota)
        }))
    }

    fn take(&self, key: &K) -> Result<(), u64> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    fn forget_idle(&self) {
        if let Some(limiter) = &self.0 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

pub struct MailBudgets {
    per_client: Budget<String>,
    per_account: Budget<Uuid>,
    per_recipient: Budget<(String, String)>,
    per_recipient_total: Budget<String>,
}

impl MailBudgets {
    pub fn new(limits: &MailLimits) -> Self {
        Self {
            per_client: Budget::new(limits.per_client),
            per_account: Budget::new(limits.per_account),
            per_recipient: Budget::new(limits.per_recipient),
            per_recipient_total: Budget::new(limits.per_recipient_total),
        }
    }

    /// Counts one requested mail; `Err(seconds to wait)` when a budget is spent. Kept per
    /// address whether or not an account uses it, so the answer tells nothing about the address.
    pub fn allow(&self, ask: &MailAsk<'_>) -> Result<(), u64> {
        self.per_client.take(&ask.client.to_owned())?;
        if let Some(account) = ask.account {
            self.per_account.take(&account)?;
        }
        self.per_recipient
            .take(&(ask.recipient.to_owned(), ask.client.to_owned()))?;
        self.per_recipient_total.take(&ask.recipient.to_owned())
    }

    /// Forgets keys whose budget is whole again: memory follows recent requests only.
    pub fn forget_idle(&self) {
        self.per_client.forget_idle();
        self.per_account.forget_idle();
        self.per_recipient.forget_idle();
        self.per_recipient_total.forget_idle();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> MailLimits {
        let rate = |r: &str| RateLimit::parse(r).unwrap();
        MailLimits {
            per_recipient: rate("3/hour"),
            per_recipient_total: rate("10/hour"),
            per_account: rate("5/hour"),
            per_client: rate("8/hour"),
        }
    }

    fn ask<'a>(recipient: &'a str, account: Option<Uuid>, client: &'a str) -> MailAsk<'a> {
        MailAsk {
            recipient,
            account,
            client,
        }
    }

    #[test]
    fn a_stranger_cannot_spend_the_owners_share_of_their_own_address() {
        let budgets = MailBudgets::new(&limits());
        let owner = "owner@example.com";
        let refused = (0..8)
            .filter(|_| budgets.allow(&ask(owner, None, "198.51.100.9")).is_err())
            .count();
        assert_eq!(refused, 5, "the stranger gets the per-recipient share only");
        assert!(budgets.allow(&ask(owner, None, "192.0.2.1")).is_ok());
    }

    #[test]
    fn one_account_cannot_mail_many_fresh_addresses() {
        let budgets = MailBudgets::new(&limits());
        let account = Some(Uuid::new_v4());
        let sent = (0..20)
            .filter(|i| {
                let to = format!("fresh{i}@example.com");
                budgets
                    .allow(&ask(&to, account, &format!("192.0.2.{i}")))
                    .is_ok()
            })
            .count();
        assert_eq!(sent, 5);
    }

    #[test]
    fn one_client_address_cannot_mail_many_people() {
        let budgets = MailBudgets::new(&limits());
        let sent = (0..20)
            .filter(|i| {
                let to = format!("someone{i}@example.com");
                budgets.allow(&ask(&to, None, "203.0.113.5")).is_ok()
            })
            .count();
        assert_eq!(sent, 8);
    }

    #[test]
    fn no_address_is_mailed_more_than_its_total_however_many_ask() {
        let budgets = MailBudgets::new(&limits());
        let sent = (0..40)
            .filter(|i| {
                let client = format!("192.0.2.{i}");
                budgets
                    .allow(&ask("target@example.com", None, &client))
                    .is_ok()
            })
            .count();
        assert_eq!(sent, 10);
    }
}
