//! The configuration both services read the same way: the access-token settings and the browser
//! settings of docs/COOKIES.md and docs/CONFIGURATION.md. Each service's own config struct embeds
//! [`AccessConfig`].

use crate::access_keys::{AccessKeys, Role};
use crate::keys::Secret;
use crate::proxies::TrustedProxies;
use crate::recent_login::ReauthWindow;
use service_kit::env::{ConfigError, Env, DEVELOPMENT_SECRET_PREFIX};
use std::time::Duration;

/// A signing secret from `var`, refused when it is short or, with `APP_ENV=production`, one of
/// the development secrets.
pub fn secret(env: &Env<'_>, var: &'static str) -> Result<Secret, ConfigError> {
    let value = env.required(var, "a secret of at least 32 bytes (it is not set)")?;
    checked_secret(env, var, &value)
}

/// A comma-separated list of secrets; empty when unset.
pub fn secrets(env: &Env<'_>, var: &'static str) -> Result<Vec<Secret>, ConfigError> {
    env.list(var)
        .iter()
        .map(|s| checked_secret(env, var, s))
        .collect()
}

/// An optional secret from `var` or the file `file_var` names, checked like [`secret`].
pub fn secret_or_file(
    env: &Env<'_>,
    var: &'static str,
    file_var: &'static str,
) -> Result<Option<Secret>, ConfigError> {
    match env.value_or_file(var, file_var)? {
        Some((from, value)) => checked_secret(env, from, value.trim()).map(Some),
        None => Ok(None),
    }
}

fn checked_secret(env: &Env<'_>, var: &'static str, value: &str) -> Result<Secret, ConfigError> {
    let secret = Secret::parse(value).map_err(|e| ConfigError::new(var, e))?;
    if env.is_production()? && value.trim().starts_with(DEVELOPMENT_SECRET_PREFIX) {
        return Err(ConfigError::new(
            var,
            "a real secret: APP_ENV=production refuses the development secrets of \
             docker-compose.yml (generate one with `openssl rand -hex 32`)",
        ));
    }
    Ok(secret)
}

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
                service_kit::origin::normalise_origin(&o).ok_or_else(|| {
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
