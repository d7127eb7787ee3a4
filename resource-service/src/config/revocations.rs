//! Following auth-service's event feed (docs/EVENTS.md, Revocation at the verifiers).

use service_kit::{ConfigError, Env};
use shared_tokens::Secret;

/// What is done with a token issued after the revocation list was last known complete, while
/// the feed cannot be reached: nothing may be known about its session yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleTokens {
    /// Serve it (the default): an outage of auth-service does not stop the photo API.
    Accept,
    /// Answer 503 until the feed is back: nothing revoked is served, at the cost of availability.
    Refuse,
}

#[derive(Debug, Clone)]
pub struct FeedSettings {
    /// `EVENT_FEED_URL`: auth-service's `GET /events`.
    pub url: String,
    /// `EVENT_FEED_SECRET` (or `_FILE`): auth-service's own.
    pub secret: Secret,
    /// `REVOCATION_STALE_TOKENS`: `accept` or `refuse`.
    pub stale_tokens: StaleTokens,
}

impl FeedSettings {
    /// `None` when `EVENT_FEED_URL` is unset: tokens are then good until they expire.
    pub fn from_env(env: &Env<'_>) -> Result<Option<Self>, ConfigError> {
        let Some(url) = env.get("EVENT_FEED_URL") else {
            return Ok(None);
        };
        let url = url.trim().to_owned();
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.contains(char::is_whitespace)
        {
            return Err(ConfigError::new(
                "EVENT_FEED_URL",
                "an http(s) URL of auth-service's /events, like http://auth-service:8080/events",
            ));
        }
        env.https_in_production(
            "EVENT_FEED_URL",
            &url,
            "the feed's secret and the revocations would travel readable and changeable",
        )?;
        let secret = shared_tokens::config::secret_or_file(
            env,
            "EVENT_FEED_SECRET",
            "EVENT_FEED_SECRET_FILE",
        )?
        .ok_or_else(|| {
            ConfigError::new(
                "EVENT_FEED_SECRET",
                "auth-service's EVENT_FEED_SECRET, when EVENT_FEED_URL is set",
            )
        })?;
        let stale_tokens = match env.string_or("REVOCATION_STALE_TOKENS", "accept").trim() {
            "accept" => StaleTokens::Accept,
            "refuse" => StaleTokens::Refuse,
            _ => {
                return Err(ConfigError::new(
                    "REVOCATION_STALE_TOKENS",
                    "accept or refuse",
                ))
            }
        };
        Ok(Some(Self {
            url,
            secret,
            stale_tokens,
        }))
    }
}
