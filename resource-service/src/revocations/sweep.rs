//! The sweep after an account deletion (docs/EVENTS.md, Consequences). The erasure runs as soon
//! as one instance reads `user.deleted`; another instance may not have read it yet and still
//! take a write with the account's token for a moment (or, with its feed down, until the token
//! expires). So the accounts deleted within the last token lifetime are erased again every few
//! seconds, and forgotten once no token of theirs can be valid anywhere.

use crate::db::{self, deleted_users, erase, DbPool};
use chrono::{TimeDelta, Utc};
use service_kit::{DbError, StopSignal};
use std::time::Duration;

/// How often recent deletions are erased again.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Erases again what the accounts deleted within `keep_for` seconds own, until stopped.
pub async fn run(pool: DbPool, keep_for: i64, mut stop: StopSignal) {
    while stop.sleep(SWEEP_EVERY).await {
        let swept = db::blocking(&pool, move |conn| {
            let horizon = Utc::now() - TimeDelta::seconds(keep_for);
            deleted_users::forget_before(conn, horizon)?;
            let mut found = 0;
            for user_id in deleted_users::since(conn, horizon)? {
                let erased = erase::everything_of(conn, user_id)?;
                if erased != erase::Erased::default() {
                    log::warn!(
                        "written after the account was deleted, erased again: user_id={user_id} \
                         photos={} likes={} profile={}",
                        erased.photos,
                        erased.likes,
                        erased.profile
                    );
                    found += 1;
                }
            }
            Ok::<_, DbError>(found)
        })
        .await;
        if let Err(e) = swept {
            log::warn!("the sweep of deleted accounts failed, will retry: {e}");
        }
    }
}
