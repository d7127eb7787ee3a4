//! Webhooks (docs/EVENTS.md, Webhooks): the events of the log, posted to every URL of
//! `WEBHOOK_URLS` as the Standard Webhooks scheme has it, with the body the feed shows
//! ([`Envelope`](crate::events::Envelope)) and a signature by every secret of `WEBHOOK_SECRET`.
//!
//! One worker per endpoint on every instance (`worker.rs`); a lease in `webhook_cursors` lets
//! one instance at a time deliver to an endpoint, in log order, at least once. The client
//! (`client.rs`) signs (`signing.rs`) and posts, and refuses non-public addresses, written in
//! the URL or resolved from its name (`address_guard.rs`, `dns.rs`).

mod address_guard;
mod client;
mod dns;
mod signing;
mod worker;

use crate::config::WebhookSettings;
use crate::db::{self, webhooks, PgPool};
use crate::events::EventFeed;
use crate::metrics::AuthMetrics;
use client::WebhookClient;
use service_kit::{Background, DbError};
use std::sync::Arc;
use worker::{EndpointWorker, Retries};

/// Why webhooks could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebhookStartError {
    #[error("the webhook client could not be built: {0}")]
    Client(#[from] reqwest::Error),
    #[error("the webhook cursors could not be set up: {0}")]
    Database(#[from] DbError),
}

/// Gives every endpoint a cursor (a new one at the newest event), then starts its worker on
/// `background`. Nothing when `WEBHOOK_URLS` is empty.
pub async fn start(
    background: &mut Background,
    pool: PgPool,
    feed: EventFeed,
    settings: &WebhookSettings,
    metrics: Arc<AuthMetrics>,
) -> Result<(), WebhookStartError> {
    if settings.endpoints.is_empty() {
        return Ok(());
    }
    let client = Arc::new(WebhookClient::new(settings)?);
    let keys: Vec<String> = settings
        .endpoints
        .iter()
        .map(|e| e.url.as_str().to_owned())
        .collect();
    db::blocking(&pool, move |conn| {
        keys.iter()
            .try_for_each(|key| webhooks::ensure(conn, key))
            .map_err(DbError::from)
    })
    .await?;
    let labels: Vec<&str> = settings
        .endpoints
        .iter()
        .map(|e| e.label.as_str())
        .collect();
    log::info!("webhooks: posting events to {}", labels.join(", "));
    if settings.allow_private {
        log::warn!("WEBHOOK_ALLOW_PRIVATE=true: webhooks may go to loopback and private addresses");
    }
    let retries = Retries {
        initial: settings.retry_initial,
        max: settings.retry_max,
        max_attempts: settings.max_attempts,
    };
    let owner = uuid::Uuid::new_v4();
    for endpoint in &settings.endpoints {
        metrics.webhook_endpoint(&endpoint.label);
        let worker = EndpointWorker {
            pool: pool.clone(),
            feed: feed.clone(),
            client: client.clone(),
            endpoint: endpoint.clone(),
            retries,
            metrics: metrics.clone(),
            owner,
        };
        background.spawn("webhook", move |stop| worker.run(stop));
    }
    Ok(())
}
