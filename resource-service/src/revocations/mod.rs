//! Revocation at the verifier (docs/TOKENS.md, Revocation; docs/EVENTS.md): this instance
//! follows auth-service's event feed into an in-memory [`RevocationList`] that every request is
//! checked against, and applies what the events mean for this service's data.
//!
//! Two followers run on each instance. The revocation follower keeps this instance's list: it
//! starts far enough back to cover every token still valid and holds a request open at the
//! feed, so a revocation arrives within a fraction of a second. The consequence follower reads
//! from the position stored in this service's database and applies deletions and username
//! changes (`consequences.rs`). They are separate so that a database outage here never delays a
//! revocation.

mod consequences;
pub mod feed;
mod list;
mod metrics;
mod sweep;

pub use consequences::{apply_page, Applied};
pub use feed::FeedClient;
pub use list::{RevocationList, Standing};
pub use metrics::FeedMetrics;

use crate::db::{self, event_position, DbPool};
use feed::{FeedError, FeedEvent, From, WAIT};
use service_kit::{Background, DbError, StopSignal};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Events per page: one page catches up on a busy minute.
const PAGE: u32 = 1000;
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LAST_RETRY: Duration = Duration::from_secs(5);
/// How often entries that cover no valid token any more are dropped.
const PRUNE_EVERY: Duration = Duration::from_secs(30);
/// Margin for the clocks of the two services when choosing where to start reading.
const CLOCK_MARGIN: i64 = 60;

/// Starts both followers, and the sweep after deletions, on `background`.
pub fn spawn(
    background: &mut Background,
    client: FeedClient,
    list: Arc<RevocationList>,
    pool: DbPool,
    metrics: FeedMetrics,
) {
    log::info!("following revocations from {}", client.url());
    let revocations = client.clone();
    let keep_for = list.keep_for();
    background.spawn("revocation-feed", move |stop| {
        follow_revocations(revocations, list, metrics, stop)
    });
    let swept = pool.clone();
    background.spawn("event-consequences", move |stop| {
        apply_consequences(client, pool, stop)
    });
    background.spawn("deleted-account-sweep", move |stop| {
        sweep::run(swept, keep_for, stop)
    });
}

/// What an event means for the list.
fn revoke(list: &RevocationList, event: &FeedEvent) {
    let at = event.timestamp.timestamp();
    match event.kind.as_str() {
        "session.revoked" | "refresh.reuse_detected" => {
            if let Some(session) = event.id("session_id") {
                list.revoke_session(session, at);
            }
        }
        "sessions.revoked" => {
            for session in event.ids("session_ids") {
                list.revoke_session(session, at);
            }
        }
        "user.deleted" => {
            if let Some(user) = event.id("user_id") {
                list.revoke_user(user, at);
            }
        }
        _ => {}
    }
}

async fn follow_revocations(
    client: FeedClient,
    list: Arc<RevocationList>,
    metrics: FeedMetrics,
    mut stop: StopSignal,
) {
    let mut position = None;
    let mut behind = true;
    let mut retry = FIRST_RETRY;
    let mut pruned = Instant::now();
    loop {
        let from = match position {
            Some(after) => From::After(after),
            None => From::Since(shared_tokens::now_unix() - list.keep_for() - CLOCK_MARGIN),
        };
        let wait = if behind { Duration::ZERO } else { WAIT };
        let answer = tokio::select! {
            answer = client.page(from, PAGE, wait) => answer,
            _ = stop.raised() => return,
        };
        match answer {
            Ok(page) => {
                retry = FIRST_RETRY;
                for event in &page.events {
                    revoke(&list, event);
                }
                metrics.events.inc_by(page.events.len() as u64);
                position = Some(page.position);
                let was = list.standing();
                behind = page.more;
                if behind {
                    list.reached();
                } else {
                    // The feed answered with everything committed until just before now; a
                    // second's margin covers its wake-up interval.
                    list.caught_up_at(shared_tokens::now_unix() - 1);
                    if !was.caught_up || !was.reachable {
                        log::info!("revocation list caught up at position {}", page.position);
                    }
                }
            }
            Err(FeedError::Reset) => {
                // Read again from a token lifetime back; the entries held stay until they lapse.
                log::warn!("the event log was restored or reset: reading the revocations again");
                position = None;
                behind = true;
            }
            Err(FeedError::Unreachable(e)) => {
                metrics.failures.inc();
                let was = list.standing();
                // Once per outage, and once for a feed that has not answered since the start.
                if was.reachable || !was.caught_up && retry == FIRST_RETRY {
                    log::warn!("event feed unreachable, keeping the revocation list: {e}");
                }
                list.unreachable();
                metrics.show(&list.standing());
                if !stop.sleep(retry).await {
                    return;
                }
                retry = (retry * 2).min(LAST_RETRY);
            }
        }
        if pruned.elapsed() >= PRUNE_EVERY {
            list.prune(shared_tokens::now_unix());
            pruned = Instant::now();
        }
        metrics.show(&list.standing());
    }
}

async fn apply_consequences(client: FeedClient, pool: DbPool, mut stop: StopSignal) {
    let mut behind = true;
    let mut retry = FIRST_RETRY;
    loop {
        let step = async {
            let after = db::blocking(&pool, |conn| Ok::<_, DbError>(event_position::read(conn)?))
                .await
                .map_err(|e| e.to_string())?;
            let wait = if behind { Duration::ZERO } else { WAIT };
            let page = match client.page(From::After(after), PAGE, wait).await {
                Ok(page) => page,
                Err(FeedError::Reset) => {
                    // Everything the log still holds is applied again: each consequence is
                    // harmless to repeat (docs/EVENTS.md, The feed).
                    log::warn!(
                        "the event log was restored or reset: applying it again from the start"
                    );
                    db::blocking(&pool, move |conn| {
                        Ok::<_, DbError>(event_position::restart_from(conn, after)?)
                    })
                    .await
                    .map_err(|e| e.to_string())?;
                    return Ok(true);
                }
                Err(FeedError::Unreachable(e)) => return Err(e),
            };
            let more = page.more;
            if !page.events.is_empty() {
                let applied = db::blocking(&pool, move |conn| {
                    Ok::<_, DbError>(apply_page(conn, after, &page)?)
                })
                .await
                .map_err(|e| e.to_string())?;
                if let Applied::AlreadyAt(held) = applied {
                    log::debug!(
                        "events after {after} were applied by another instance (now at {held})"
                    );
                }
            }
            Ok::<_, String>(more)
        };
        let outcome = tokio::select! {
            outcome = step => outcome,
            _ = stop.raised() => return,
        };
        match outcome {
            Ok(more) => {
                behind = more;
                retry = FIRST_RETRY;
            }
            Err(e) => {
                if retry == FIRST_RETRY {
                    log::warn!("events not applied yet, will retry: {e}");
                }
                if !stop.sleep(retry).await {
                    return;
                }
                retry = (retry * 2).min(LAST_RETRY);
            }
        }
    }
}
