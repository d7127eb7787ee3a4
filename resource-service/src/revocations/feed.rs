//! The client of auth-service's `GET /events` (docs/EVENTS.md, The feed).

use crate::config::FeedSettings;
use crate::fetched::body_within;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::Duration;
use uuid::Uuid;

/// A full page of 1000 events is well under 1 MiB; anything past this is not a page.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;
/// How long auth-service holds a request open when nothing is new.
pub const WAIT: Duration = Duration::from_secs(20);
/// How long an answer may take beyond the wait before the feed counts as unreachable.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// One event of the feed. Fields this service does not use are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct FeedEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub timestamp: DateTime<Utc>,
    pub data: serde_json::Value,
}

impl FeedEvent {
    /// The id in `data` under `field`.
    pub fn id(&self, field: &str) -> Option<Uuid> {
        self.data.get(field)?.as_str()?.parse().ok()
    }

    /// The ids in the list `data` holds under `field`.
    pub fn ids(&self, field: &str) -> Vec<Uuid> {
        self.data
            .get(field)
            .and_then(|v| v.as_array())
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| id.as_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
pub struct FeedPage {
    pub events: Vec<FeedEvent>,
    pub position: i64,
    pub more: bool,
}

/// Why a page did not come.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The position asked after is past the log's last: auth-service's database was restored
    /// or reset (docs/EVENTS.md, The feed). Read again from the start.
    #[error("the event log was restored or reset")]
    Reset,
    /// No answer, or not a page: the feed counts as unreachable.
    #[error("{0}")]
    Unreachable(String),
}

/// Where a page starts.
#[derive(Debug, Clone, Copy)]
pub enum From {
    After(i64),
    /// Unix seconds.
    Since(i64),
}

#[derive(Clone)]
pub struct FeedClient {
    url: String,
    secret: SecretString,
    http: reqwest::Client,
}

impl FeedClient {
    pub fn new(settings: &FeedSettings) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(ANSWER_WITHIN)
            .build()
            .unwrap_or_default();
        Self {
            url: settings.url.clone(),
            secret: SecretString::from(
                String::from_utf8_lossy(settings.secret.expose()).into_owned(),
            ),
            http,
        }
    }

    /// The page from `from`; held by auth-service up to `wait` when there is nothing new.
    pub async fn page(
        &self,
        from: From,
        limit: u32,
        wait: Duration,
    ) -> Result<FeedPage, FeedError> {
        let start = match from {
            From::After(after) => ("after", after),
            From::Since(since) => ("since", since),
        };
        let response = self
            .http
            .get(&self.url)
            .query(&[
                start,
                ("limit", i64::from(limit)),
                ("wait", wait.as_secs() as i64),
            ])
            .bearer_auth(self.secret.expose_secret())
            .timeout(wait + ANSWER_WITHIN)
            .send()
            .await
            .map_err(|e| FeedError::Unreachable(e.without_url().to_string()))?;
        match response.status() {
            reqwest::StatusCode::CONFLICT => return Err(FeedError::Reset),
            status if !status.is_success() => {
                return Err(FeedError::Unreachable(format!("answered {status}")))
            }
            _ => {}
        }
        let body = body_within(response, MAX_PAGE_BYTES, "a page")
            .await
            .map_err(FeedError::Unreachable)?;
        serde_json::from_slice(&body)
            .map_err(|e| FeedError::Unreachable(format!("not a page of events: {e}")))
    }

    /// Where the feed is followed from, for the log (never the secret).
    pub fn url(&self) -> &str {
        &self.url
    }
}
