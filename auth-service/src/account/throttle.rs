//! The failed-login policy (docs/SECURITY.md, Password guessing): slow one address guessing one
//! account down to about ten guesses an hour, throttle a spray from many addresses, and never
//! lock the owner out.
//!
//! - Per (account, address): the first `max_failures` failures are free; after that each attempt
//!   must wait `BASE * 2^(failures - max_failures)`, at most `CAP`, after the last failure.
//! - Per account: once an account has `ACCOUNT_FACTOR * max_failures` recent failures from all
//!   addresses together, it is under attack, and every address that has already failed against it
//!   waits the full `CAP` after each failure. Addresses that never failed are not slowed at all,
//!   which is how the owner still gets in during a spray.
//! - Failures older than `WINDOW` no longer count.
//!
//! A login's subject is a hash of the identifier as typed, whether or not an account has it, so
//! the throttle treats unknown identifiers alike and never links a username to an email address.
//! A throttled attempt is answered exactly like a wrong password, after the same bcrypt work,
//! so throttling reveals neither existence nor whether a guess was even tried.
//! [`super::attempts`] applies this policy atomically.

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

pub const BASE: Duration = Duration::from_secs(60);
pub const CAP: Duration = Duration::from_secs(30 * 60);
pub const WINDOW: Duration = Duration::from_secs(60 * 60);
pub const ACCOUNT_FACTOR: u32 = 3;

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: u32,
}

/// Whether an attempt may be evaluated, and if not, for how many seconds it may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    Throttled { retry_after: u64 },
}

/// What the throttle needs to know about an attempt, read in one go from the database.
#[derive(Debug, Clone, Copy, Default)]
pub struct History {
    /// Failures of this account from this address within the window, and the last one's time.
    pub from_address: Option<(u32, DateTime<Utc>)>,
    /// Failures of this account from all addresses within the window.
    pub for_account: u64,
}

impl ThrottlePolicy {
    fn under_attack(&self, account_failures: u64) -> bool {
        account_failures >= u64::from(ACCOUNT_FACTOR * self.max_failures)
    }

    /// How long an address that has failed `failures` times must wait after its last failure.
    pub fn wait_after(&self, failures: u32, account_failures: u64) -> Duration {
        if failures >= self.max_failures {
            let doublings = (failures - self.max_failures).min(16);
            (BASE * 2u32.pow(doublings)).min(CAP)
        } else if failures > 0 && self.under_attack(account_failures) {
            CAP
        } else {
            Duration::ZERO
        }
    }

    pub fn verdict(&self, history: &History, now: DateTime<Utc>) -> Verdict {
        let Some((failures, last)) = history.from_address else {
            return Verdict::Allowed;
        };
        let wait = self.wait_after(failures, history.for_account);
        // No wait, no throttle: `now` is read before the row lock is taken, so a concurrent
        // attempt may have recorded a `last` a moment after it, and `now < last` must not
        // refuse a login that owes no wait.
        if wait.is_zero() {
            return Verdict::Allowed;
        }
        let until = last + TimeDelta::seconds(wait.as_secs() as i64);
        if now < until {
            let remaining = (until - now).num_milliseconds().max(0) as u64;
            Verdict::Throttled {
                retry_after: remaining.div_ceil(1000).max(1),
            }
        } else {
            Verdict::Allowed
        }
    }
}

/// The key login failures are counted under: a hash of the identifier as typed (normalised and
/// tagged with its kind), the same whether or not an account has it.
pub fn subject(normalised_identifier: &str) -> String {
    let digest = Sha256::digest(normalised_identifier.as_bytes());
    format!("id:{}", hex::encode(&digest[..16]))
}

/// The key failed password re-checks (password change, account deletion) are counted under.
pub fn reauth_subject(user_id: Uuid) -> String {
    format!("reauth:{user_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_that_owes_no_wait_is_allowed_even_if_a_later_failure_was_recorded() {
        let policy = ThrottlePolicy { max_failures: 5 };
        let now = Utc::now();
        // A concurrent attempt took the row lock first and recorded its failure a moment
        // after this attempt read the clock.
        let history = History {
            from_address: Some((3, now + TimeDelta::milliseconds(5))),
            for_account: 3,
        };
        assert_eq!(policy.verdict(&history, now), Verdict::Allowed);
        let over = History {
            from_address: Some((5, now + TimeDelta::milliseconds(5))),
            for_account: 5,
        };
        assert!(matches!(
            policy.verdict(&over, now),
            Verdict::Throttled { .. }
        ));
    }

    const POLICY: ThrottlePolicy = ThrottlePolicy { max_failures: 5 };

    /// Simulates attackers that each try again the moment they are allowed, for one hour, and
    /// counts the guesses that were actually evaluated.
    fn guesses_in_an_hour(addresses: usize) -> usize {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let mut per_address: Vec<Option<(u32, DateTime<Utc>)>> = vec![None; addresses];
        let mut account_failures = 0u64;
        let mut evaluated = 0;
        for second in 0..3600 {
            let now = start + TimeDelta::seconds(second);
            for slot in per_address.iter_mut() {
                let history = History {
                    from_address: *slot,
                    for_account: account_failures,
                };
                if POLICY.verdict(&history, now) == Verdict::Allowed {
                    evaluated += 1;
                    account_failures += 1;
                    let failures = slot.map_or(0, |(f, _)| f) + 1;
                    *slot = Some((failures, now));
                }
            }
        }
        evaluated
    }

    #[test]
    fn one_address_gets_about_ten_guesses_an_hour() {
        let guesses = guesses_in_an_hour(1);
        println!("one address, one account: {guesses} guesses in the first hour");
        assert!(guesses <= 10, "{guesses}");
    }

    #[test]
    fn a_spray_is_throttled_per_address_once_the_account_is_under_attack() {
        let addresses = 100;
        let guesses = guesses_in_an_hour(addresses);
        println!("spray from {addresses} addresses: {guesses} guesses in the first hour");
        // Without the account rule every address would get its 10.
        assert!(guesses < addresses * 10 / 3, "{guesses}");
    }

    #[test]
    fn a_clean_address_is_never_throttled_even_under_attack() {
        let history = History {
            from_address: None,
            for_account: 10_000,
        };
        assert_eq!(POLICY.verdict(&history, Utc::now()), Verdict::Allowed);
    }

    #[test]
    fn the_first_failures_are_free_then_the_wait_doubles_up_to_the_cap() {
        assert_eq!(POLICY.wait_after(4, 4), Duration::ZERO);
        assert_eq!(POLICY.wait_after(5, 5), BASE);
        assert_eq!(POLICY.wait_after(6, 6), BASE * 2);
        assert_eq!(POLICY.wait_after(40, 40), CAP);
    }

    #[test]
    fn identifiers_get_a_stable_subject_of_their_own() {
        assert_eq!(subject("u:bob"), subject("u:bob"));
        assert_ne!(subject("u:bob"), subject("e:bob@example.com"));
        assert_ne!(subject("u:bob"), subject("u:eve"));
        let id = Uuid::new_v4();
        assert_ne!(reauth_subject(id), subject(&id.to_string()));
    }
}
