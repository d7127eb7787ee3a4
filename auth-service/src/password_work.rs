//! bcrypt work bounded per instance (docs/SECURITY.md, Password hashing under load): at most
//! `concurrency` comparisons or hashes run at once, at most `queue` more wait for their turn,
//! and a request beyond that is refused at once with 503 and `Retry-After`, never left to pile up
//! on the blocking pool where it would stall every other user's login and refresh.
//!
//! A password re-check on an authenticated route is also bounded per account: at most
//! [`PER_ACCOUNT`] of one account's re-checks are admitted at once, so one account (or a stolen
//! token) flooding re-checks from any number of addresses holds at most that many slots, and
//! everyone else's logins find the rest.
//!
//! A request is admitted before anything is counted against it (the login throttle, a mail
//! budget), so a refusal for load costs the caller nothing. Both permits move into the blocking
//! task: a client that hangs up does not free a slot while its bcrypt still runs.

pub use crate::config::PasswordWorkLimits;
use crate::password_hashing::PasswordHasher;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// One account's password re-checks admitted at once.
pub const PER_ACCOUNT: usize = 1;

/// The instance has as much password work as it takes; try again in a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too much password work in flight")]
pub struct Busy;

#[derive(Clone)]
pub struct PasswordWork {
    hasher: PasswordHasher,
    /// Running and waiting together.
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
    /// Re-checks admitted per account; an account leaves the map when it has none.
    accounts: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// One of an account's [`PER_ACCOUNT`] places, given back when dropped.
pub struct AccountPlace {
    accounts: Arc<Mutex<HashMap<Uuid, usize>>>,
    account: Uuid,
}

impl Drop for AccountPlace {
    fn drop(&mut self) {
        if let Ok(mut accounts) = self.accounts.lock() {
            if let Some(n) = accounts.get_mut(&self.account) {
                *n -= 1;
                if *n == 0 {
                    accounts.remove(&self.account);
                }
            }
        }
    }
}

/// A place among the admitted: the right to one bcrypt, once a running slot is free.
pub struct Admission {
    hasher: PasswordHasher,
    running: Arc<Semaphore>,
    permit: OwnedSemaphorePermit,
    account: Option<AccountPlace>,
}

impl PasswordWork {
    pub fn new(hasher: PasswordHasher, limits: PasswordWorkLimits) -> Self {
        Self {
            hasher,
            admitted: Arc::new(Semaphore::new(limits.concurrency + limits.queue)),
            running: Arc::new(Semaphore::new(limits.concurrency)),
            accounts: Arc::default(),
        }
    }

    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    /// A place for one bcrypt, or [`Busy`] at once when running and waiting slots are all taken.
    pub fn admit(&self) -> Result<Admission, Busy> {
        let permit = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| Busy)?;
        Ok(Admission {
            hasher: self.hasher.clone(),
            running: self.running.clone(),
            permit,
            account: None,
        })
    }

    /// One of `account`'s places among the password re-checks, or [`Busy`] when it already
    /// holds [`PER_ACCOUNT`]. Taken from memory alone, so a route can refuse a flood before it
    /// reads anything from the database.
    pub fn place_for(&self, account: Uuid) -> Result<AccountPlace, Busy> {
        let mut accounts = self.accounts.lock().map_err(|_| Busy)?;
        let n = accounts.entry(account).or_default();
        if *n >= PER_ACCOUNT {
            return Err(Busy);
        }
        *n += 1;
        Ok(AccountPlace {
            accounts: self.accounts.clone(),
            account,
        })
    }

    /// A place for one bcrypt that also holds the account's `place` until the bcrypt ends.
    pub fn admit_holding(&self, place: AccountPlace) -> Result<Admission, Busy> {
        let mut admission = self.admit()?;
        admission.account = Some(place);
        Ok(admission)
    }

    /// A place for one password re-check of `account`: [`Busy`] also when the account already
    /// has [`PER_ACCOUNT`] admitted.
    pub fn admit_for(&self, account: Uuid) -> Result<Admission, Busy> {
        self.admit_holding(self.place_for(account)?)
    }
}

impl Admission {
    /// Waits for a running slot, then runs `work` on the blocking pool holding both permits.
    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&PasswordHasher) -> T + Send + 'static,
    ) -> Result<T, String> {
        // The semaphore is never closed, so acquiring only waits.
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        let (hasher, admitted, account) = (self.hasher, self.permit, self.account);
        tokio::task::spawn_blocking(move || {
            let answer = work(&hasher);
            drop((running, admitted, account));
            answer
        })
        .await
        .map_err(|e| e.to_string())
    }

    /// [`PasswordHasher::verify`] in turn.
    pub async fn verify(self, password: String, stored: Option<String>) -> Result<bool, String> {
        self.run(move |hasher| hasher.verify(&password, stored.as_deref()))
            .await
    }

    /// [`PasswordHasher::hash`] in turn.
    pub async fn hash(self, password: String) -> Result<String, String> {
        self.run(move |hasher| hasher.hash(&password).map_err(|e| e.to_string()))
            .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn beyond_the_running_and_waiting_slots_a_request_is_refused_at_once() {
        let work = PasswordWork::new(
            PasswordHasher::new(4),
            PasswordWorkLimits {
                concurrency: 1,
                queue: 2,
            },
        );
        let held: Vec<Admission> = (0..3).map(|_| work.admit().unwrap()).collect();
        assert_eq!(work.admit().err(), Some(Busy));
        drop(held);
        assert!(work.admit().is_ok());
    }

    #[tokio::test]
    async fn a_slot_stays_taken_until_its_bcrypt_ends_even_if_the_caller_goes() {
        let work = PasswordWork::new(
            PasswordHasher::new(12),
            PasswordWorkLimits {
                concurrency: 1,
                queue: 0,
            },
        );
        let admission = work.admit().unwrap();
        let call = tokio::spawn(admission.hash("a password of some length".into()));
        // Let the hash start, then drop the caller as a client that hangs up would.
        tokio::time::sleep(Duration::from_millis(20)).await;
        call.abort();
        assert_eq!(work.admit().err(), Some(Busy), "the bcrypt still runs");
        let mut freed = false;
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            if work.admit().is_ok() {
                freed = true;
                break;
            }
        }
        assert!(freed, "the slot comes back once the bcrypt ends");
    }

    #[tokio::test]
    async fn one_account_holds_at_most_its_own_places_and_gives_them_back() {
        let work = PasswordWork::new(
            PasswordHasher::new(4),
            PasswordWorkLimits {
                concurrency: 2,
                queue: 8,
            },
        );
        let (flooder, other) = (Uuid::new_v4(), Uuid::new_v4());
        let held = work.admit_for(flooder).unwrap();
        assert_eq!(work.admit_for(flooder).err(), Some(Busy));
        assert!(work.admit_for(other).is_ok(), "another account is admitted");
        assert!(work.admit().is_ok(), "and so is a login");
        held.verify("x".into(), None).await.unwrap();
        assert!(work.admit_for(flooder).is_ok(), "its place came back");
        assert!(work.accounts.lock().unwrap().is_empty());
    }

    #[test]
    fn the_default_is_one_per_core_and_two_rounds_of_queue() {
        assert_eq!(
            PasswordWorkLimits::for_cores(2),
            PasswordWorkLimits {
                concurrency: 2,
                queue: 4
            }
        );
        assert_eq!(PasswordWorkLimits::for_cores(0).concurrency, 1);
    }
}
