//! Password attempts under the throttle (see [`super::throttle`] for the policy): an attempt is
//! reserved, and counted as a failure, before bcrypt runs, in a transaction that holds the
//! (subject, address) row; a correct password then takes the count back. So N attempts sent in
//! parallel are N attempts: each waits for the lock and sees every one before it, and a burst
//! is cut off at the same count as the same guesses sent one by one.
//!
//! Some of those counted failures may still be undecided: attempts whose bcrypt has not finished.
//! An attempt that the throttle would refuse only because of undecided ones is neither refused
//! nor evaluated: [`reserve`] answers `None`, and the caller asks again once they are decided
//! ([`UNDECIDED_POLL`]). A correct password among them wipes the count and the next one goes
//! ahead; wrong ones stay counted and it is refused. So the right password is never refused for
//! attempts in flight, and N parallel wrong guesses still count as N.
//!
//! Logins are counted under the identifier as typed ([`throttle::subject`]), never under the
//! account it names, so the throttle's answers cannot tell an attacker that a username and an
//! email address belong to the same account. Password re-checks on an authenticated route are
//! counted under the account itself ([`throttle::reauth_subject`]): the caller already holds
//! its token.

use super::throttle::{self, History, ThrottlePolicy, Verdict};
use crate::db::login_failures::{self, ThrottleRow};
use chrono::{DateTime, TimeDelta, Utc};
use diesel::{Connection, PgConnection, QueryResult};
use std::time::Duration;

/// How long after it started an undecided attempt is still waited for: longer than any bcrypt
/// comparison with its queue. After a crash the attempt stays counted as a failure.
const UNDECIDED_FOR: TimeDelta = TimeDelta::seconds(30);
/// How often a caller whose attempt was undecided asks again.
pub const UNDECIDED_POLL: Duration = Duration::from_millis(25);
/// How long a caller waits for undecided attempts before answering as throttled.
pub const UNDECIDED_WAIT: Duration = Duration::from_secs(10);

/// An attempt that may go ahead; it is already counted as a failure.
#[derive(Debug, Clone)]
pub struct Reservation {
    row: ThrottleRow,
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
/// evaluated, and if so counts it before it is. `None` when it would be refused only because of
/// attempts still being evaluated: ask again after [`UNDECIDED_POLL`].
pub fn reserve(
    conn: &mut PgConnection,
    policy: &ThrottlePolicy,
    subject: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<Reserved>> {
    conn.transaction(|conn| {
        let since = window_start(now);
        let row = login_failures::lock(conn, subject, ip)?;
        // Failures older than the window no longer count.
        let fresh = row.last_failed_at > since;
        let failures = if fresh { row.failures.max(0) } else { 0 };
        let undecided = match row.in_flight_at {
            Some(at) if fresh && at > now - UNDECIDED_FOR => row.in_flight.clamp(0, failures),
            _ => 0,
        };
        let for_subject = login_failures::recent_for_subject(conn, subject, since)?.max(0) as u64;
        let history = |failures: i32, for_account: u64| History {
            from_address: (failures > 0).then_some((failures as u32, row.last_failed_at)),
            for_account,
        };
        if let Verdict::Throttled { retry_after } =
            policy.verdict(&history(failures, for_subject), now)
        {
            let decided = history(
                failures - undecided,
                for_subject.saturating_sub(undecided as u64),
            );
            if undecided > 0 && policy.verdict(&decided, now) == Verdict::Allowed {
                return Ok(None);
            }
            return Ok(Some(Reserved::Throttled { retry_after }));
        }
        let counted = failures + 1;
        login_failures::count_attempt(conn, subject, ip, counted, undecided + 1, now)?;
        Ok(Some(Reserved::Allowed(Reservation {
            row: ThrottleRow {
                subject: subject.to_owned(),
                ip: ip.to_owned(),
            },
            failures: counted as u32,
            // The sum read above left out a stale row, and held a fresh one at its old count:
            // either way this attempt adds one.
            for_subject: for_subject + 1,
        })))
    })
}

impl Reservation {
    /// The password was right: the slate of this address is wiped.
    pub fn succeeded(&self, conn: &mut PgConnection) -> QueryResult<()> {
        login_failures::clear(conn, &self.row.subject, &self.row.ip).map(|_| ())
    }

    /// The password was wrong: the attempt stays counted and is no longer undecided.
    pub fn failed(&self, conn: &mut PgConnection) -> QueryResult<()> {
        login_failures::settle_failure(conn, &self.row.subject, &self.row.ip).map(|_| ())
    }

    /// The `(subject, ip)` row this attempt was counted in, which a correct password wipes.
    pub fn throttle_row(&self) -> &ThrottleRow {
        &self.row
    }

    /// The password was wrong (the failure is already counted): how long the client must now
    /// wait, if at all.
    pub fn retry_after(&self, policy: &ThrottlePolicy) -> Option<u64> {
        let wait = policy.wait_after(self.failures, self.for_subject);
        (!wait.is_zero()).then_some(wait.as_secs())
    }
}
