//! `JWKS_URL`: the access-token public keys fetched from auth-service's JWKS document
//! (docs/TOKENS.md, Keys). Fetched at start, every `JWKS_REFRESH_INTERVAL`, and when a token
//! names an unknown `kid` (at most once per `JWKS_MIN_REFETCH_INTERVAL`, however many such tokens
//! arrive), never per request: verification stays local, and keeps the last keys fetched while
//! auth-service is down.

use crate::fetched::body_within;
use arc_swap::ArcSwap;
use futures_util::future::LocalBoxFuture;
use shared_tokens::ed25519::PublicKey;
use shared_tokens::extract::KeyRefetch;
use shared_tokens::jwks::JwkSet;
use shared_tokens::VerifyingKeys;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A JWKS document is a few hundred bytes; anything past this is not one.
const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

pub struct JwksKeys {
    url: String,
    client: reqwest::Client,
    /// The keys given in the configuration, kept beside the fetched ones.
    configured: Vec<PublicKey>,
    slot: Arc<ArcSwap<VerifyingKeys>>,
    min_interval: Duration,
    /// When the last fetch began. Held across the fetch, so concurrent callers wait for the
    /// fetch in flight instead of starting their own.
    last_fetch: Mutex<Option<Instant>>,
}

impl JwksKeys {
    pub fn new(
        url: String,
        configured: Vec<PublicKey>,
        slot: Arc<ArcSwap<VerifyingKeys>>,
        min_interval: Duration,
    ) -> Self {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            url,
            client,
            configured,
            slot,
            min_interval,
            last_fetch: Mutex::new(None),
        }
    }

    /// Fetches now, whenever the last fetch was; a failure keeps the keys held and is logged.
    pub async fn fetch(&self) {
        let mut last = self.last_fetch.lock().await;
        *last = Some(Instant::now());
        self.fetch_and_store().await;
    }

    /// Fetches unless a fetch began less than `min_interval` ago.
    async fn fetch_if_due(&self) {
        let mut last = self.last_fetch.lock().await;
        if last.is_some_and(|at| at.elapsed() < self.min_interval) {
            return;
        }
        *last = Some(Instant::now());
        self.fetch_and_store().await;
    }

    async fn fetch_and_store(&self) {
        match self.download().await {
            Ok(fetched) => {
                let keys = VerifyingKeys::ed25519(self.configured.iter().cloned().chain(fetched));
                log::info!(
                    "JWKS from {}: verifying with keys {:?}",
                    self.url,
                    keys.kids()
                );
                self.slot.store(Arc::new(keys));
            }
            Err(e) => log::warn!(
                "JWKS from {} not fetched, keeping the keys held: {e}",
                self.url
            ),
        }
    }

    async fn download(&self) -> Result<Vec<PublicKey>, String> {
        let response = self
            .client
            .get(&self.url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()));
        }
        let body = body_within(response, MAX_DOCUMENT_BYTES, "a document").await?;
        let document: JwkSet =
            serde_json::from_slice(&body).map_err(|e| format!("not a JWK set: {e}"))?;
        document.ed25519_keys()
    }
}

impl KeyRefetch for JwksKeys {
    fn refetch(&self) -> LocalBoxFuture<'_, ()> {
        Box::pin(self.fetch_if_due())
    }
}

/// Fetches the keys once now (a failure is logged: configured keys still verify, and an unknown
/// `kid` fetches again), then every `refresh` until the service stops.
pub async fn start(
    keys: Arc<JwksKeys>,
    refresh: Duration,
    background: &mut service_kit::background::Background,
) {
    keys.fetch().await;
    background.spawn_send("jwks-refresh", move |mut stop| async move {
        while stop.sleep(refresh).await {
            keys.fetch().await;
        }
    });
}
