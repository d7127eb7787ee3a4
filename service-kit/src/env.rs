//! Reading the configuration from the environment, the same way in both services
//! (docs/CONFIGURATION.md): one line naming the variable and what it expects for every bad value.

use crate::duration::parse_duration;
use std::time::Duration;

/// A bad or missing variable: names it and says what it expects, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: expected {expected}")]
pub struct ConfigError {
    pub var: &'static str,
    pub expected: String,
}

impl ConfigError {
    pub fn new(var: &'static str, expected: impl Into<String>) -> Self {
        Self {
            var,
            expected: expected.into(),
        }
    }
}

/// Reads variables through a lookup function, so tests can pass a map instead of the process
/// environment.
pub struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Env<'a> {
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { lookup }
    }

    /// The value, or `None` when unset or blank.
    pub fn get(&self, var: &str) -> Option<String> {
        (self.lookup)(var).filter(|v| !v.trim().is_empty())
    }

    pub fn string_or(&self, var: &str, default: &str) -> String {
        self.get(var).unwrap_or_else(|| default.to_owned())
    }

    pub fn required(&self, var: &'static str, expected: &str) -> Result<String, ConfigError> {
        self.get(var).ok_or_else(|| ConfigError::new(var, expected))
    }

    /// `var`, or the contents of the file `file_var` names (how container secrets are mounted),
    /// with the name it came from; both at once is a mistake worth stopping for.
    pub fn value_or_file(
        &self,
        var: &'static str,
        file_var: &'static str,
    ) -> Result<Option<(&'static str, String)>, ConfigError> {
        match (self.get(var), self.get(file_var)) {
            (Some(_), Some(_)) => Err(ConfigError::new(
                var,
                format!("unset when {file_var} is set"),
            )),
            (Some(value), None) => Ok(Some((var, value))),
            (None, Some(path)) => std::fs::read_to_string(path.trim())
                .map(|text| Some((file_var, text)))
                .map_err(|e| ConfigError::new(file_var, format!("a readable file ({e})"))),
            (None, None) => Ok(None),
        }
    }

    /// `APP_ENV`: `development` (default) or `production`.
    pub fn is_production(&self) -> Result<bool, ConfigError> {
        match self.string_or("APP_ENV", "development").trim() {
            "development" => Ok(false),
            "production" => Ok(true),
            _ => Err(ConfigError::new("APP_ENV", "development or production")),
        }
    }

    /// Refuses a plain-http `url` in `var` when `APP_ENV=production`, loopback included: `risk`
    /// says what someone on the network path could do with it (docs/CONFIGURATION.md, APP_ENV).
    pub fn https_in_production(
        &self,
        var: &'static str,
        url: &str,
        risk: &str,
    ) -> Result<(), ConfigError> {
        let https = url
            .trim()
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
        if https || !self.is_production()? {
            return Ok(());
        }
        Err(ConfigError::new(
            var,
            format!("an https:// URL: APP_ENV=production refuses plain http, over which {risk}"),
        ))
    }

    pub fn duration(&self, var: &'static str, default: &str) -> Result<Duration, ConfigError> {
        let value = self.string_or(var, default);
        parse_duration(&value)
            .map_err(|e| ConfigError::new(var, format!("a duration like 15m, 7d or 10s: {e}")))
    }

    pub fn bool(&self, var: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(var).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "true" | "1" | "yes" | "on") => Ok(true),
            Some(v) if matches!(v.as_str(), "false" | "0" | "no" | "off") => Ok(false),
            Some(_) => Err(ConfigError::new(var, "true or false")),
        }
    }

    pub fn number<T: std::str::FromStr>(
        &self,
        var: &'static str,
        default: T,
        expected: &str,
    ) -> Result<T, ConfigError> {
        match self.get(var) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| ConfigError::new(var, expected)),
        }
    }

    /// A comma-separated list; empty when unset.
    pub fn list(&self, var: &str) -> Vec<String> {
        self.get(var)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Every development secret in `docker-compose.yml` and the `.env*.example` files starts with
/// this, and a service started with `APP_ENV=production` refuses any secret that does.
pub const DEVELOPMENT_SECRET_PREFIX: &str = "dev-only-";
