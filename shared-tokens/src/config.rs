//! The configuration both services read the same way: the access-token settings and the browser
//! settings of docs/COOKIES.md and docs/CONFIGURATION.md. Each service's own config struct embeds
//! [`AccessConfig`].

use crate::access_keys::{AccessKeys, Role};
use crate::duration::parse_duration;
use crate::keys::Secret;
use crate::proxies::TrustedProxies;
use crate::recent_login::ReauthWindow;
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

    pub fn secret(&self, var: &'static str) -> Result<Secret, ConfigError> {
        let value = self.required(var, "a secret of at least 32 bytes (it is not set)")?;
        self.checked_secret(var, &value)
    }

    /// A comma-separated list of secrets; empty when unset.
    pub fn secrets(&self, var: &'static str) -> Result<Vec<Secret>, ConfigError> {
        self.list(var)
            .iter()
            .map(|s| self.checked_secret(var, s))
            .collect()
    }

    fn checked_secret(&self, var: &'static str, value: &str) -> Result<Secret, ConfigError> {
        let secret = Secret::parse(value).map_err(|e| ConfigError::new(var, e))?;
        if self.is_production()? && value.trim().starts_with(DEVELOPMENT_SECRET_PREFIX) {
            return Err(ConfigError::new(
                var,
                "a real secret: APP_ENV=production refuses the development secrets of \
                 docker-compose.yml (generate one with `openssl rand -hex 32`)",
            ));
        }
        Ok(secret)
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

/// The longest clock skew allowed (docs/TOKENS.md, Verification).
pub const MAX_LEEWAY: Duration = Duration::from_secs(30);

/// Cookie names for the mode the service runs in (docs/COOKIES.md, The two cookies). Both are
/// `__Host-` in secure mode, so only this host can set them (with `Secure`, `Path=/` and no
/// `Domain`), never a sibling subdomain; browsers accept the prefix on secure cookies only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieNames {
    pub secure: bool,
    pub access: &'static str,
    pub refresh: &'static str,
}

impl CookieNames {
    pub fn for_mode(secure: bool) -> Self {
        if secure {
            Self {
                secure,
                access: "__Host-access_token",
                refresh: "__Host-refresh_token",
            }
        } else {
            Self {
                secure,
                access: "access_token",
                refresh: "refresh_token",
            }
        }
    }
}

/// Access-token and browser settings shared by both services.
#[derive(Debug, Clone)]
pub struct AccessConfig {
    /// `ACCESS_TOKEN_ALG` and its keys.
    pub keys: AccessKeys,
    pub expiry: Duration,
    pub issuer: String,
    pub audience: String,
    pub leeway: Duration,
    pub allowed_origins: Vec<String>,
    /// `TRUSTED_PROXIES`: whose forwarding headers count (docs/CONFIGURATION.md).
    pub trusted_proxies: TrustedProxies,
    pub cookies: CookieNames,
    /// `REAUTH_WINDOW`: how recent a login the sensitive actions need.
    pub reauth_window: ReauthWindow,
}

impl AccessConfig {
    /// Reads the settings as `role` needs them: only the issuer may be given a private key.
    pub fn from_env(env: &Env<'_>, role: Role) -> Result<Self, ConfigError> {
        let production = env.is_production()?;
        let secure_cookies = env.bool("COOKIE_SECURE", true)?;
        // Plain-http cookies are for a laptop: in production they would hand the refresh token
        // to anyone on the network path.
        if production && !secure_cookies {
            return Err(ConfigError::new(
                "COOKIE_SECURE",
                "true: APP_ENV=production refuses cookies without Secure (set COOKIE_SECURE=true, \
                 or APP_ENV=development for local plain-http use)",
            ));
        }
        let expiry = env.duration("ACCESS_TOKEN_EXPIRY", "15m")?;
        if expiry.is_zero() {
            return Err(ConfigError::new(
                "ACCESS_TOKEN_EXPIRY",
                "a duration longer than zero",
            ));
        }
        let leeway = env.duration("JWT_LEEWAY", "30s")?;
        if leeway > MAX_LEEWAY {
            return Err(ConfigError::new("JWT_LEEWAY", "at most 30s"));
        }
        let allowed_origins = env
            .list("ALLOWED_ORIGINS")
            .into_iter()
            .map(|o| {
                crate::origin::normalise_origin(&o).ok_or_else(|| {
                    ConfigError::new(
                        "ALLOWED_ORIGINS",
                        "comma-separated origins like https://app.example.com",
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let trusted_proxies = TrustedProxies::parse(&env.list("TRUSTED_PROXIES"))
            .map_err(|e| ConfigError::new("TRUSTED_PROXIES", e))?;
        Ok(Self {
            keys: AccessKeys::from_env(env, role)?,
            expiry,
            issuer: env.string_or("JWT_ISSUER", "auth-service"),
            audience: env.string_or("JWT_AUDIENCE", "resource-service"),
            leeway,
            allowed_origins,
            trusted_proxies,
            cookies: CookieNames::for_mode(secure_cookies),
            reauth_window: ReauthWindow::new(env.duration("REAUTH_WINDOW", ReauthWindow::DEFAULT)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<AccessConfig, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |k: &str| map.get(k).cloned();
        AccessConfig::from_env(&Env::new(&lookup), Role::Verifier)
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn defaults_apply_when_only_the_secret_is_set() {
        let config = read(&[("ACCESS_TOKEN_SECRET", SECRET)]).unwrap();
        assert_eq!(config.expiry, Duration::from_secs(900));
        assert_eq!(config.leeway, Duration::from_secs(30));
        assert_eq!(config.issuer, "auth-service");
        assert_eq!(config.audience, "resource-service");
        assert_eq!(config.cookies.access, "__Host-access_token");
        assert_eq!(config.reauth_window.duration(), Duration::from_secs(600));
    }

    #[test]
    fn the_reauth_window_is_a_duration() {
        let config = read(&[("ACCESS_TOKEN_SECRET", SECRET), ("REAUTH_WINDOW", "90s")]).unwrap();
        assert_eq!(config.reauth_window.duration(), Duration::from_secs(90));
    }

    #[test]
    fn missing_secret_names_the_variable() {
        let err = read(&[]).unwrap_err();
        assert_eq!(err.var, "ACCESS_TOKEN_SECRET");
    }

    #[test]
    fn leeway_over_thirty_seconds_is_refused() {
        let err = read(&[("ACCESS_TOKEN_SECRET", SECRET), ("JWT_LEEWAY", "31s")]).unwrap_err();
        assert_eq!(err.var, "JWT_LEEWAY");
    }

    #[test]
    fn insecure_cookie_mode_drops_the_prefixes() {
        let config = read(&[("ACCESS_TOKEN_SECRET", SECRET), ("COOKIE_SECURE", "false")]).unwrap();
        assert_eq!(config.cookies.access, "access_token");
        assert_eq!(config.cookies.refresh, "refresh_token");
    }

    #[test]
    fn production_refuses_development_secrets() {
        let dev = "dev-only-0123456789abcdef0123456789abcdef";
        assert!(read(&[("ACCESS_TOKEN_SECRET", dev)]).is_ok());
        let err = read(&[("ACCESS_TOKEN_SECRET", dev), ("APP_ENV", "production")]).unwrap_err();
        assert_eq!(err.var, "ACCESS_TOKEN_SECRET");
        assert!(read(&[("ACCESS_TOKEN_SECRET", SECRET), ("APP_ENV", "production")]).is_ok());
    }

    #[test]
    fn production_refuses_insecure_cookies() {
        let err = read(&[
            ("ACCESS_TOKEN_SECRET", SECRET),
            ("APP_ENV", "production"),
            ("COOKIE_SECURE", "false"),
        ])
        .unwrap_err();
        assert_eq!(err.var, "COOKIE_SECURE");
        assert!(read(&[
            ("ACCESS_TOKEN_SECRET", SECRET),
            ("APP_ENV", "development"),
            ("COOKIE_SECURE", "false"),
        ])
        .is_ok());
        assert!(read(&[
            ("ACCESS_TOKEN_SECRET", SECRET),
            ("APP_ENV", "production"),
            ("COOKIE_SECURE", "true"),
        ])
        .is_ok());
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("ACCESS_TOKEN_EXPIRY", "soon"),
            ("REAUTH_WINDOW", "10"),
            ("COOKIE_SECURE", "maybe"),
            ("ALLOWED_ORIGINS", "not an origin"),
            ("TRUSTED_PROXIES", "proxy.local"),
            ("ACCESS_TOKEN_PREVIOUS_SECRETS", "short"),
            ("APP_ENV", "staging"),
        ] {
            let err = read(&[("ACCESS_TOKEN_SECRET", SECRET), (var, value)]).unwrap_err();
            assert_eq!(err.var, var);
        }
    }
}
