//! The event log's settings (docs/EVENTS.md): who may read the feed, how long events are kept.

use service_kit::{ConfigError, Env};
use shared_tokens::Secret;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct EventSettings {
    /// `EVENT_FEED_SECRET` (or `_FILE`): the bearer token resource-service reads the feed with.
    /// Unset, `GET /events` answers 404.
    pub feed_secret: Option<Secret>,
    /// `EVENT_RETENTION`: how long an event stays in the log.
    pub retention: Duration,
}

impl EventSettings {
    /// `longest_token` is the access-token lifetime: a reader that starts anew reads the
    /// revocations of that long back, so the log must keep at least that much.
    pub fn from_env(env: &Env<'_>, longest_token: Duration) -> Result<Self, ConfigError> {
        let feed_secret = shared_tokens::config::secret_or_file(
            env,
            "EVENT_FEED_SECRET",
            "EVENT_FEED_SECRET_FILE",
        )?;
        let retention = env.duration("EVENT_RETENTION", "7d")?;
        if retention < longest_token + Duration::from_secs(3600) {
            return Err(ConfigError::new(
                "EVENT_RETENTION",
                "a duration at least an hour longer than ACCESS_TOKEN_EXPIRY",
            ));
        }
        Ok(Self {
            feed_secret,
            retention,
        })
    }
}
