//! Accounts: registration, login, the profile, password change and reset, email verification
//! and deletion (docs/API.md,
//! auth-service). The work lives here, not in the handlers: each operation takes validated input
//! and returns what happened or an [`AccountError`], which `crate::error` maps to its answer.

mod deletion;
mod error;
mod login;
mod password_check;
mod profile;
mod recovery;
mod registration;
mod verification;

pub use error::AccountError;
pub use login::Credentials;
pub use password_check::PasswordChange;
pub use profile::ProfileChanges;
pub use recovery::PasswordReset;
pub use registration::Registration;

use crate::db::PgPool;
use crate::mail::Outbox;
use crate::metrics::AuthMetrics;
use crate::password_hashing::PasswordHasher;
use crate::sessions::throttle::ThrottlePolicy;
use crate::sessions::Sessions;
use std::sync::Arc;

#[derive(Clone)]
pub struct Accounts {
    pool: PgPool,
    hasher: PasswordHasher,
    throttle: ThrottlePolicy,
    sessions: Sessions,
    metrics: Arc<AuthMetrics>,
    outbox: Outbox,
}

impl Accounts {
    pub fn new(
        pool: PgPool,
        hasher: PasswordHasher,
        throttle: ThrottlePolicy,
        sessions: Sessions,
        metrics: Arc<AuthMetrics>,
        outbox: Outbox,
    ) -> Self {
        Self {
            pool,
            hasher,
            throttle,
            sessions,
            metrics,
            outbox,
        }
    }

    /// bcrypt on the blocking pool: it is CPU work that would stall an async worker.
    async fn hash(&self, password: String) -> Result<String, AccountError> {
        let hasher = self.hasher.clone();
        Ok(tokio::task::spawn_blocking(move || hasher.hash(&password)).await??)
    }

    /// Compares `password` with `stored` (or with a dummy hash when `None`, at the same cost) on
    /// the blocking pool.
    async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AccountError> {
        let hasher = self.hasher.clone();
        Ok(
            tokio::task::spawn_blocking(move || hasher.verify(&password, stored.as_deref()))
                .await?,
        )
    }
}
