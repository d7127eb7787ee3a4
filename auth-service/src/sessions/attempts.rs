//! Password attempts under the throttle (see [`super::throttle`] for the policy): an attempt is
//! reserved, and counted as a failure, before bcrypt runs, in a transaction that holds the
//! (subject, address) row; a correct password then takes the count back. So N attempts sent in
//! parallel are N attempts: each waits for the lock and sees every one before it, and a burst
//! is cut off at the same count as the same guesses sent one by one.
//!
//! Logins are counted under the identifier as typed ([`throttle::subject`]), never under the
//! account it names, so the throttle's answers cannot tell an attacker that a username and an
//! email address belong to the same account. Password re-checks on an authenticated route are
//! counted under the account itself ([`throttle::reauth_subject`]): the caller already holds
//! its token.

use super::throttle::{self, History, ThrottlePolicy, Verdict};
use crate::db::login_failures;
use chrono::{DateTime, TimeDelta, Utc};
use diesel::{Connection, PgConnection, QueryResult};

/// An attempt that may go ahead; it is already counted as a failure.
#[derive(Debug, Clone)]
pub struct Reservation {
    subject: String,
    ip: String,
    /// Failures from this address counting this attempt.
    pub failures: u32,
    /// Failures against the subject from all addresses, counting this attempt.
    pub for_subject: u64,
}

#[derive(Debug, Clone)]
pub enum Reserved {
    Allowed(Reservation),
    Throttled { retry_after: u64 },
}

fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - TimeDelta::seconds(throttle::WINDOW.as_secs() as i64)
}

/// Decides whether an attempt on `subject` from `ip` (the address's throttle key) may be
/// evaluated, and if so counts it before it is.
pub fn reserve(
    conn: &mut PgConnection,
    policy: &ThrottlePolicy,
    subject: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> QueryResult<Reserved> {
    conn.transaction(|conn| {
        let since = window_start(now);
        let (failures, last) = login_failures::lock(conn, subject, ip)?;
        // Failures older than the window no longer count.
        let failures = if last > since { failures.max(0) } else { 0 };
        let for_subject = login_failures::recent_for_subject(conn, subject, since)?.max(0) as u64;
        let history = History {
            from_address: (failures > 0).then_some((failures as u32, last)),
            for_account: for_subject,
        };
        if let Verdict::Throttled { retry_after } = policy.verdict(&history, now) {
            return Ok(Reserved::Throttled { retry_after });
        }
        let counted = failures + 1;
        login_failures::set(conn, subject, ip, counted, now)?;
        Ok(Reserved::Allowed(Reservation {
            subject: subject.to_owned(),
            ip: ip.to_owned(),
            failures: counted as u32,
            // The sum read above left out a stale row, and held a fresh one at its old count:
            // either way this attempt adds one.
            for_subject: for_subject + 1,
        }))
    })
}

impl Reservation {
    /// The password was right: the slate of this address is wiped.
    pub fn succeeded(&self, conn: &mut PgConnection) -> QueryResult<()> {
        login_failures::clear(conn, &self.subject, &self.ip).map(|_| ())
    }

    /// The `(subject, ip)` row this attempt was counted in, which a correct password wipes.
    pub fn throttle_row(&self) -> (&str, &str) {
        (&self.subject, &self.ip)
    }

    /// The password was wrong (the failure is already counted): how long the client must now
    /// wait, if at all.
    pub fn retry_after(&self, policy: &ThrottlePolicy) -> Option<u64> {
        let wait = policy.wait_after(self.failures, self.for_subject);
        (!wait.is_zero()).then_some(wait.as_secs())
    }
}
