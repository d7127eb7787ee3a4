//! The event feed (docs/EVENTS.md, The feed): pages of the event log after a position, held open
//! for a while when there is nothing new yet, so a follower hears of an event within a fraction
//! of a second without asking many times a second.
//!
//! Waiting readers share one watch on the newest position: one query every [`HEAD_POLL`] per
//! instance while anyone waits, however many wait, and none while nobody does. An event
//! committed through another instance is seen as soon as through this one.

use crate::db::events::{self, EventRow};
use crate::db::{self, PgPool};
use chrono::{DateTime, Utc};
use service_kit::{Background, DbError, StopSignal};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the newest position is read while a reader waits.
pub const HEAD_POLL: Duration = Duration::from_millis(100);
/// The longest a reader may ask to wait; a proxy in between must allow a little more.
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// The most events in one page.
pub const MAX_PAGE: i64 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(transparent)]
    Database(#[from] DbError),
    /// A reader's position past the last one ever drawn: the log was restored from a backup or
    /// reset since. The reader starts again from a time (docs/EVENTS.md, The feed).
    #[error("no position {after} in the event log, whose last is {last}")]
    UnknownPosition { after: i64, last: i64 },
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// After this position.
    After(i64),
    /// At the first event at or after this time: a new reader that needs only recent events.
    Since(DateTime<Utc>),
}

/// Events after a position, and the position to ask after next.
#[derive(Debug)]
pub struct Page {
    pub events: Vec<EventRow>,
    pub position: i64,
    /// The page is full: more events follow at once.
    pub more: bool,
}

#[derive(Clone)]
pub struct EventFeed {
    pool: PgPool,
    head: Arc<watch::Sender<i64>>,
    /// A held request answers at once when the service begins to stop, so a stop never waits
    /// out a long poll.
    stopping: StopSignal,
}

impl EventFeed {
    /// The feed over `pool`, with its watch task on `background`.
    pub fn start(pool: PgPool, background: &mut Background) -> Self {
        let (head, _) = watch::channel(0);
        let feed = Self {
            pool,
            head: Arc::new(head),
            stopping: background.stopping(),
        };
        let watcher = feed.clone();
        background.spawn("event-feed-head", move |mut stop| async move {
            while stop.sleep(HEAD_POLL).await {
                if watcher.head.receiver_count() > 0 {
                    watcher.read_head().await;
                }
            }
        });
        feed
    }

    async fn read_head(&self) {
        match db::blocking(&self.pool, |conn| Ok::<_, DbError>(events::head(conn)?)).await {
            Ok(head) => {
                self.head.send_if_modified(|held| {
                    let newer = *held != head;
                    *held = head;
                    newer
                });
            }
            Err(e) => log::debug!("event feed: the newest position was not read: {e}"),
        }
    }

    /// The newest position, kept current while the receiver lives: how the webhook workers hear
    /// of a new event (docs/EVENTS.md, Webhooks).
    pub fn head(&self) -> watch::Receiver<i64> {
        self.head.subscribe()
    }

    /// Up to `limit` events from `start`; when there are none yet, waits up to `wait` for one.
    pub async fn page(&self, start: Start, limit: i64, wait: Duration) -> Result<Page, FeedError> {
        // Subscribed before the first read, so an event committed in between still wakes us.
        let mut newer = self.head.subscribe();
        let after = match start {
            Start::After(after) => after,
            Start::Since(since) => {
                db::blocking(&self.pool, move |conn| {
                    Ok::<_, DbError>(events::position_before(conn, since)?)
                })
                .await?
            }
        };
        let page = self.read(after, limit).await?;
        if !page.events.is_empty() || wait.is_zero() {
            return Ok(page);
        }
        let mut stopping = self.stopping.clone();
        tokio::select! {
            woke = tokio::time::timeout(wait, newer.wait_for(|head| *head > after)) => match woke {
                Ok(Ok(_)) => self.read(after, limit).await,
                _ => Ok(page),
            },
            _ = stopping.raised() => Ok(page),
        }
    }

    async fn read(&self, after: i64, limit: i64) -> Result<Page, FeedError> {
        let limit = limit.clamp(1, MAX_PAGE);
        // One more than asked: whether more follow, without a second query.
        let (mut events, last) = db::blocking(&self.pool, move |conn| {
            let events = events::after(conn, after, limit + 1)?;
            let last = match events.is_empty() && after > 0 {
                true => Some(events::last_drawn(conn)?),
                false => None,
            };
            Ok::<_, DbError>((events, last))
        })
        .await?;
        if let Some(last) = last.filter(|last| after > *last) {
            return Err(FeedError::UnknownPosition { after, last });
        }
        let more = events.len() as i64 > limit;
        events.truncate(limit as usize);
        let position = events.last().map_or(after, |e| e.seq);
        Ok(Page {
            events,
            position,
            more,
        })
    }
}

/// An event as the feed and the webhooks show it (docs/EVENTS.md, The event): the Standard
/// Webhooks payload shape, `type`, `timestamp` and `data`, with our `id` and position.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Envelope<'a> {
    /// Unique per event; the same on every delivery of it (the `webhook-id` header).
    pub id: uuid::Uuid,
    /// The position in the log: later events have larger ones.
    pub seq: i64,
    /// `user.created`, `user.updated`, `user.deleted`, `session.revoked`, `sessions.revoked`,
    /// `refresh.reuse_detected`.
    #[serde(rename = "type")]
    pub kind: &'a str,
    /// When it happened, RFC 3339.
    pub timestamp: DateTime<Utc>,
    /// Always `user_id`; the rest by type.
    #[schema(value_type = Object)]
    pub data: &'a serde_json::Value,
}

impl<'a> From<&'a EventRow> for Envelope<'a> {
    fn from(row: &'a EventRow) -> Self {
        Self {
            id: row.id,
            seq: row.seq,
            kind: &row.kind,
            timestamp: row.occurred_at,
            data: &row.data,
        }
    }
}
