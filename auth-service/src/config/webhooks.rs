//! The webhook settings (docs/EVENTS.md, Webhooks): where the events are posted, the secrets they
//! are signed with, and how hard delivery tries.

use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use secrecy::SecretSlice;
use service_kit::{ConfigError, Env};
use std::time::Duration;
use url::Url;

/// The prefix of a Standard Webhooks secret; the rest is the key in base64.
pub const SECRET_PREFIX: &str = "whsec_";
/// The shortest key accepted, decoded: 192 bits.
pub const MIN_SECRET_BYTES: usize = 24;
/// The longest a delivery may take: the worker renews its lease on an endpoint between
/// deliveries, and the lease lasts 30 s.
const MAX_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// `WEBHOOK_URLS`: empty, webhooks are off.
    pub endpoints: Vec<WebhookEndpoint>,
    /// `WEBHOOK_SECRET` (or `_FILE`): the decoded keys; each delivery carries a signature by
    /// every one, so a receiver can move from one to the next.
    pub secrets: Vec<SecretSlice<u8>>,
    /// `WEBHOOK_ALLOW_PRIVATE`: whether loopback, private and other non-public addresses may be
    /// posted to.
    pub allow_private: bool,
    /// `WEBHOOK_TIMEOUT`: one delivery, from connecting to the answer's status.
    pub timeout: Duration,
    /// `WEBHOOK_RETRY_INITIAL`: the wait after the first failure; it doubles after each one, up to
    /// `WEBHOOK_RETRY_MAX`.
    pub retry_initial: Duration,
    pub retry_max: Duration,
    /// `WEBHOOK_MAX_ATTEMPTS`: tries of one event at one endpoint before it is given up on.
    pub max_attempts: u32,
}

/// One configured URL. The URL may carry a credential in its path or query, so only `label`
/// is ever logged or exported.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub url: Url,
    /// `host[:port]`: the name of the endpoint in logs and metrics.
    pub label: String,
}

impl std::fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("WebhookEndpoint").field(&self.label).finish()
    }
}

impl WebhookSettings {
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        let endpoints = endpoints(env)?;
        let secrets = match env.value_or_file("WEBHOOK_SECRET", "WEBHOOK_SECRET_FILE")? {
            Some((var, value)) => secrets(var, &value)?,
            None => Vec::new(),
        };
        if !endpoints.is_empty() && secrets.is_empty() {
            return Err(ConfigError::new(
                "WEBHOOK_SECRET",
                "one or more whsec_ secrets (or WEBHOOK_SECRET_FILE) when WEBHOOK_URLS is set",
            ));
        }
        let positive = |var: &'static str, default: &str| {
            let value = env.duration(var, default)?;
            if value.is_zero() {
                return Err(ConfigError::new(var, "a duration longer than zero"));
            }
            Ok(value)
        };
        let timeout = positive("WEBHOOK_TIMEOUT", "5s")?;
        if timeout > MAX_TIMEOUT {
            return Err(ConfigError::new(
                "WEBHOOK_TIMEOUT",
                "a duration longer than zero and at most 20s",
            ));
        }
        let retry_initial = positive("WEBHOOK_RETRY_INITIAL", "5s")?;
        let retry_max = positive("WEBHOOK_RETRY_MAX", "1h")?.max(retry_initial);
        let max_attempts = env.number(
            "WEBHOOK_MAX_ATTEMPTS",
            12u32,
            "a whole number from 1 to 1000",
        )?;
        if !(1..=1000).contains(&max_attempts) {
            return Err(ConfigError::new(
                "WEBHOOK_MAX_ATTEMPTS",
                "a whole number from 1 to 1000",
            ));
        }
        Ok(Self {
            endpoints,
            secrets,
            allow_private: env.bool("WEBHOOK_ALLOW_PRIVATE", false)?,
            timeout,
            retry_initial,
            retry_max,
            max_attempts,
        })
    }
}

/// `WEBHOOK_URLS`: comma-separated `http(s)://` URLs, each once; `https://` only in production,
/// since the events name accounts and their addresses.
fn endpoints(env: &Env<'_>) -> Result<Vec<WebhookEndpoint>, ConfigError> {
    let mut endpoints: Vec<WebhookEndpoint> = Vec::new();
    for value in env.list("WEBHOOK_URLS") {
        // The value itself is never repeated: it may carry a credential.
        let url = Url::parse(&value)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| {
                ConfigError::new(
                    "WEBHOOK_URLS",
                    "comma-separated http:// or https:// URLs, each with a host",
                )
            })?;
        env.https_in_production(
            "WEBHOOK_URLS",
            url.as_str(),
            "the events, which name accounts and their addresses, would travel readable",
        )?;
        if endpoints.iter().any(|e| e.url == url) {
            return Err(ConfigError::new(
                "WEBHOOK_URLS",
                "each URL once: a URL is an endpoint with a position of its own",
            ));
        }
        let host = url.host_str().unwrap_or_default();
        let label = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        endpoints.push(WebhookEndpoint { url, label });
    }
    Ok(endpoints)
}

/// One or more `whsec_<base64>` secrets, separated by spaces or commas. An error never repeats a
/// secret.
fn secrets(var: &'static str, value: &str) -> Result<Vec<SecretSlice<u8>>, ConfigError> {
    let base64 = GeneralPurpose::new(
        &STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let expected = "whsec_ followed by the base64 of at least 24 random bytes, several \
                    separated by spaces or commas (openssl rand -base64 32 makes one)";
    value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(|secret| {
            let key = secret
                .strip_prefix(SECRET_PREFIX)
                .and_then(|encoded| base64.decode(encoded).ok())
                .filter(|key| key.len() >= MIN_SECRET_BYTES)
                .ok_or_else(|| ConfigError::new(var, expected))?;
            Ok(SecretSlice::from(key))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    /// Standard Webhooks' published example secret: 24 bytes.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const OTHER: &str = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn read(vars: &[(&str, &str)]) -> Result<WebhookSettings, ConfigError> {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        let lookup = |k: &str| map.get(k).map(|v| v.to_string());
        WebhookSettings::from_env(&Env::new(&lookup))
    }

    #[test]
    fn unset_is_off_with_the_documented_defaults() {
        let s = read(&[]).unwrap();
        assert!(s.endpoints.is_empty() && s.secrets.is_empty());
        assert!(!s.allow_private);
        assert_eq!(s.timeout, Duration::from_secs(5));
        assert_eq!(s.retry_initial, Duration::from_secs(5));
        assert_eq!(s.retry_max, Duration::from_secs(3600));
        assert_eq!(s.max_attempts, 12);
    }

    #[test]
    fn urls_become_endpoints_named_by_host_and_port() {
        let s = read(&[
            (
                "WEBHOOK_URLS",
                " https://hooks.example.com/in?token=abc , http://10.0.0.5:8080/hook",
            ),
            ("WEBHOOK_SECRET", SECRET),
        ])
        .unwrap();
        let labels: Vec<&str> = s.endpoints.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["hooks.example.com", "10.0.0.5:8080"]);
        assert_eq!(
            s.endpoints[0].url.as_str(),
            "https://hooks.example.com/in?token=abc"
        );
        assert!(!format!("{s:?}").contains("token=abc"), "{s:?}");
    }

    #[test]
    fn every_secret_is_kept_decoded_and_none_is_printed() {
        let s = read(&[
            ("WEBHOOK_URLS", "https://hooks.example.com/"),
            ("WEBHOOK_SECRET", &format!("{SECRET} {OTHER}")),
        ])
        .unwrap();
        assert_eq!(s.secrets.len(), 2);
        assert_eq!(s.secrets[0].expose_secret().len(), 24);
        assert_eq!(s.secrets[1].expose_secret(), (0u8..32).collect::<Vec<_>>());
        let printed = format!("{s:?}");
        assert!(!printed.contains("MfKQ9r8G") && !printed.contains("AAECAwQF"));
        let commas = read(&[("WEBHOOK_SECRET", &format!("{SECRET},{OTHER}"))]).unwrap();
        assert_eq!(commas.secrets.len(), 2);
    }

    #[test]
    fn the_secret_may_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("webhook-secret");
        std::fs::write(&path, format!("{OTHER}\n")).unwrap();
        let path = path.to_string_lossy().into_owned();
        let s = read(&[
            ("WEBHOOK_URLS", "https://hooks.example.com/"),
            ("WEBHOOK_SECRET_FILE", &path),
        ])
        .unwrap();
        assert_eq!(s.secrets.len(), 1);
        let both = read(&[("WEBHOOK_SECRET", SECRET), ("WEBHOOK_SECRET_FILE", &path)]);
        assert_eq!(both.unwrap_err().var, "WEBHOOK_SECRET");
    }

    #[test]
    fn a_bad_value_names_its_variable_and_never_repeats_a_secret() {
        let url = ("WEBHOOK_URLS", "https://hooks.example.com/");
        for (var, value) in [
            ("WEBHOOK_URLS", "hooks.example.com"),
            ("WEBHOOK_URLS", "ftp://hooks.example.com/"),
            ("WEBHOOK_URLS", "https://a.example/x,https://a.example/x"),
            ("WEBHOOK_SECRET", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            (
                "WEBHOOK_SECRET",
                "whsec_not*base64*at*all*not*base64*at*all",
            ),
            ("WEBHOOK_SECRET", "whsec_c2hvcnQtc2hvcnQtc2hvcnQ="),
            ("WEBHOOK_ALLOW_PRIVATE", "maybe"),
            ("WEBHOOK_TIMEOUT", "0"),
            ("WEBHOOK_TIMEOUT", "1m"),
            ("WEBHOOK_RETRY_INITIAL", "soon"),
            ("WEBHOOK_RETRY_MAX", "0"),
            ("WEBHOOK_MAX_ATTEMPTS", "0"),
            ("WEBHOOK_MAX_ATTEMPTS", "many"),
        ] {
            let secret = ("WEBHOOK_SECRET", SECRET);
            let vars = if var == "WEBHOOK_SECRET" {
                vec![url, (var, value)]
            } else {
                vec![url, secret, (var, value)]
            };
            let err = read(&vars).unwrap_err();
            assert_eq!(err.var, var, "{var}={value}");
            if var == "WEBHOOK_SECRET" {
                assert!(!err.to_string().contains(value), "{err}");
            }
        }
    }

    #[test]
    fn urls_need_a_secret() {
        let err = read(&[("WEBHOOK_URLS", "https://hooks.example.com/")]).unwrap_err();
        assert_eq!(err.var, "WEBHOOK_SECRET");
        assert!(err.to_string().contains("WEBHOOK_URLS"), "{err}");
    }

    #[test]
    fn production_refuses_plain_http_urls() {
        let secret = ("WEBHOOK_SECRET", SECRET);
        let production = ("APP_ENV", "production");
        let err = read(&[
            production,
            secret,
            ("WEBHOOK_URLS", "http://hooks.example/"),
        ]);
        assert_eq!(err.unwrap_err().var, "WEBHOOK_URLS");
        assert!(read(&[
            production,
            secret,
            ("WEBHOOK_URLS", "https://hooks.example/")
        ])
        .is_ok());
        assert!(read(&[secret, ("WEBHOOK_URLS", "http://hooks.example/")]).is_ok());
    }

    #[test]
    fn the_longest_wait_is_never_shorter_than_the_first() {
        let s = read(&[("WEBHOOK_RETRY_INITIAL", "2h"), ("WEBHOOK_RETRY_MAX", "1h")]).unwrap();
        assert_eq!(s.retry_max, Duration::from_secs(7200));
    }
}
