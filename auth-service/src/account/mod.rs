//! Accounts: registration, login, the profile, password change and reset, email verification
//! and deletion (docs/API.md,
//! auth-service). The work lives here, not in the handlers: each operation takes validated input
//! and returns what happened or an [`AccountError`], which the HTTP layer (`error.rs`) maps to
//! its answer.

mod attempts;
mod deletion;
mod email_change;
mod error;
mod login;
mod password_check;
mod profile;
mod reauthentication;
mod recovery;
mod registration;
pub mod throttle;
mod verification;

pub use attempts::{reserve, Reservation, Reserved, UNDECIDED_POLL, UNDECIDED_WAIT};
pub use email_change::CancelOutcome;
pub use error::AccountError;
pub use login::Credentials;
pub use password_check::PasswordChange;
pub use profile::ProfileChanges;
pub use recovery::PasswordReset;
pub use registration::Registration;

use crate::db::{self, PgPool};
use crate::mail::Outbox;
use crate::metrics::AuthMetrics;
use crate::password_work::{Admission, PasswordWork};
use crate::sessions::Sessions;
use chrono::Utc;
use std::sync::Arc;
use throttle::ThrottlePolicy;
use tokio::time::Instant;

#[derive(Clone)]
pub struct Accounts {
    pool: PgPool,
    work: PasswordWork,
    throttle: ThrottlePolicy,
    sessions: Sessions,
    metrics: Arc<AuthMetrics>,
    outbox: Outbox,
}

impl Accounts {
    pub fn new(
        pool: PgPool,
        work: PasswordWork,
        throttle: ThrottlePolicy,
        sessions: Sessions,
        metrics: Arc<AuthMetrics>,
        outbox: Outbox,
    ) -> Self {
        Self {
            pool,
            work,
            throttle,
            sessions,
            metrics,
            outbox,
        }
    }

    /// A place for one bcrypt on this instance, or [`AccountError::Busy`] at once: taken before
    /// anything is counted against the caller (docs/SECURITY.md, Password hashing under load).
    fn admit(&self) -> Result<Admission, AccountError> {
        self.work.admit().map_err(|_| AccountError::Busy)
    }

    /// bcrypt of a new password, in turn with the instance's other password work.
    async fn hash(&self, password: String) -> Result<String, AccountError> {
        self.admit()?
            .hash(password)
            .await
            .map_err(AccountError::Hashing)
    }

    /// Reserves a password attempt on `subject` from `ip` under the throttle, waiting (at most
    /// [`UNDECIDED_WAIT`]) while it could be refused only because of attempts still in flight
    /// (docs/SECURITY.md, Password guessing). `first` is an answer the caller already has.
    async fn reserve_attempt(
        &self,
        first: Option<Reserved>,
        subject: String,
        ip: String,
    ) -> Result<Reserved, AccountError> {
        let deadline = Instant::now() + UNDECIDED_WAIT;
        let mut answer = first;
        loop {
            if let Some(reserved) = answer {
                return Ok(reserved);
            }
            if Instant::now() >= deadline {
                log::warn!("password attempt still undecided after {UNDECIDED_WAIT:?}");
                return Ok(Reserved::Throttled { retry_after: 1 });
            }
            tokio::time::sleep(UNDECIDED_POLL).await;
            let (subject, ip, policy) = (subject.clone(), ip.clone(), self.throttle);
            answer = db::blocking(&self.pool, move |conn| {
                Ok::<_, AccountError>(attempts::reserve(conn, &policy, &subject, &ip, Utc::now())?)
            })
            .await?;
        }
    }
}
