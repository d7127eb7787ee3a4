//! What the profile endpoints do, below HTTP: read the caller's stored profile and photo count,
//! check a change and apply it, erase everything the caller owns.
//!
//! [`Profiles`] is the one entry: it owns the pool, and each handler in `routes/profile/` makes
//! one call on it. Below it, the database steps are small sync functions on a connection
//! (`stored.rs`), run through `db::blocking`. The caller is a `domain::Caller`, never the token;
//! errors are [`ProfileError`]. Nothing here knows about requests or responses.

mod change;
mod stored;

pub use change::{ProfileChange, ProfileError};
pub use stored::StoredProfile;

use crate::db::{self, DbPool};
use crate::domain::Caller;

pub struct Profiles {
    pool: DbPool,
}

impl Profiles {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }

    /// What is stored for `caller`.
    pub async fn read(&self, caller: &Caller) -> Result<StoredProfile, ProfileError> {
        let caller = caller.clone();
        db::blocking(&self.pool, move |conn| Ok(stored::read(conn, &caller)?)).await
    }

    /// Applies `change` to `caller`'s profile; the answer is what is stored then.
    pub async fn update(
        &self,
        caller: &Caller,
        change: ProfileChange,
    ) -> Result<StoredProfile, ProfileError> {
        let caller = caller.clone();
        db::blocking(&self.pool, move |conn| {
            stored::update(conn, &caller, &change)
        })
        .await
    }

    /// Erases everything `caller` owns here (docs/OPERATIONS.md, "Deleting an account").
    pub async fn erase(&self, caller: &Caller) -> Result<(), ProfileError> {
        let user_id = caller.id;
        db::blocking(&self.pool, move |conn| Ok(stored::erase(conn, user_id)?)).await
    }
}
