//! One delivery: the signed POST of one event to one endpoint (docs/EVENTS.md, Webhooks). A 2xx
//! answer is a delivery; anything else, a redirect included, is a failure to try again later.

use super::address_guard::is_public;
use super::dns::{AddressRefused, PublicOnly};
use super::signing::signature_header;
use crate::config::WebhookSettings;
use reqwest::header::CONTENT_TYPE;
use secrecy::SecretSlice;
use std::sync::Arc;
use url::{Host, Url};
use uuid::Uuid;

/// The most of an answer's body read: only its status counts, the rest just lets the
/// connection be reused.
const MAX_ANSWER_BYTES: usize = 4096;

/// Why a delivery did not happen. The message names neither the URL (it may carry a credential)
/// nor a secret.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The endpoint's address is not one webhooks may reach (`WEBHOOK_ALLOW_PRIVATE`).
    #[error("refused: {0}")]
    Refused(String),
    /// No 2xx answer: an error status, a redirect, a timeout, or no connection.
    #[error("{0}")]
    Failed(String),
}

pub struct WebhookClient {
    http: reqwest::Client,
    secrets: Vec<SecretSlice<u8>>,
    allow_private: bool,
}

impl WebhookClient {
    /// No redirects, no proxy from the environment, the timeout over the whole exchange, and,
    /// unless private addresses are allowed, the name lookup that keeps public addresses only.
    pub fn new(settings: &WebhookSettings) -> Result<Self, reqwest::Error> {
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(settings.timeout)
            .user_agent(concat!("photo-auth-webhooks/", env!("CARGO_PKG_VERSION")));
        if !settings.allow_private {
            http = http.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            http: http.build()?,
            secrets: settings.secrets.clone(),
            allow_private: settings.allow_private,
        })
    }

    /// Posts `body`, the event `id`, to `url`, signed now.
    pub async fn deliver(&self, url: &Url, id: Uuid, body: &[u8]) -> Result<(), DeliveryError> {
        // An address written in the URL is never looked up, so it is checked here.
        if !self.allow_private {
            if let Some(ip) = literal_address(url) {
                if !is_public(ip) {
                    return Err(DeliveryError::Refused(format!(
                        "{ip} is not an address webhooks may reach (see WEBHOOK_ALLOW_PRIVATE)"
                    )));
                }
            }
        }
        let id = id.to_string();
        let timestamp = chrono::Utc::now().timestamp();
        let signature = signature_header(&self.secrets, &id, timestamp, body);
        let mut answer = self
            .http
            .post(url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_vec())
            .send()
            .await
            .map_err(failure)?;
        let status = answer.status();
        let mut read = 0;
        while read < MAX_ANSWER_BYTES {
            match answer.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                _ => break,
            }
        }
        if status.is_success() {
            Ok(())
        } else {
            Err(DeliveryError::Failed(format!("answered {status}")))
        }
    }
}

fn literal_address(url: &Url) -> Option<std::net::IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(ip.into()),
        Host::Ipv6(ip) => Some(ip.into()),
        Host::Domain(_) => None,
    }
}

/// What went wrong, from reqwest's error without its URL: a refused lookup, a timeout, or the
/// innermost cause (connection refused, a TLS failure, ...).
fn failure(error: reqwest::Error) -> DeliveryError {
    let error = error.without_url();
    let mut cause: &dyn std::error::Error = &error;
    while let Some(inner) = cause.source() {
        if let Some(refused) = inner.downcast_ref::<AddressRefused>() {
            return DeliveryError::Refused(refused.to_string());
        }
        cause = inner;
    }
    if error.is_timeout() {
        return DeliveryError::Failed("no answer within WEBHOOK_TIMEOUT".to_owned());
    }
    DeliveryError::Failed(format!("no answer: {cause}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn client(allow_private: bool) -> WebhookClient {
        let settings = WebhookSettings {
            endpoints: Vec::new(),
            secrets: vec![SecretSlice::from(vec![7u8; 32])],
            allow_private,
            timeout: Duration::from_secs(2),
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(1),
            max_attempts: 1,
        };
        WebhookClient::new(&settings).unwrap()
    }

    /// Nothing listens on port 9 of loopback: a refusal must come before any connection, and an
    /// allowed attempt ends in a plain failure.
    #[tokio::test]
    async fn loopback_is_refused_by_name_and_by_address_unless_allowed() {
        let guarded = client(false);
        for url in [
            "http://localhost:9/hook",
            "http://127.0.0.1:9/hook",
            "http://[::1]:9/hook",
            "http://[::ffff:127.0.0.1]:9/hook",
            "http://2130706433:9/hook",
        ] {
            let url = Url::parse(url).unwrap();
            let result = guarded.deliver(&url, Uuid::new_v4(), b"{}").await;
            assert!(
                matches!(result, Err(DeliveryError::Refused(_))),
                "{url}: {result:?}"
            );
        }
        let open = client(true);
        let url = Url::parse("http://127.0.0.1:9/hook").unwrap();
        let result = open.deliver(&url, Uuid::new_v4(), b"{}").await;
        assert!(
            matches!(result, Err(DeliveryError::Failed(_))),
            "{result:?}"
        );
    }
}
