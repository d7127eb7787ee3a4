//! auth-service configuration (docs/CONFIGURATION.md): one typed struct, read once at start.
//! It is the bottom layer: it imports no other part of the service.

mod events;
mod mail;
mod rate_limit;
mod webhooks;

pub use events::EventSettings;
pub use mail::{expiry, Delivery, MailLimits, MailSettings};
pub use rate_limit::RateLimit;
pub use webhooks::{WebhookEndpoint, WebhookSettings};

use service_kit::server::{Defaults, ServerSettings};
use service_kit::{ConfigError, Env};
use shared_tokens::TrustedProxies;
use shared_tokens::{AccessConfig, Role, Secret};
use std::num::NonZeroU32;
use std::time::Duration;

/// Every secret in it (`database_url`, which may hold a password, and the token secrets) is a
/// type whose `Debug` is redacted, so printing the settings prints none of them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`, `BIND_ADDR`, `APP_ENV`, `DB_POOL_SIZE`, `SHUTDOWN_TIMEOUT`, `METRICS_ADDR`:
    /// read as resource-service reads them.
    pub server: ServerSettings,
    pub access: AccessConfig,
    pub refresh_secret: Secret,
    pub refresh_previous_secrets: Vec<Secret>,
    /// Refresh-token lifetime, which is also the session's idle limit.
    pub refresh_expiry: Duration,
    /// The absolute session limit that refreshes never extend.
    pub session_max_lifetime: Duration,
    /// How long a just-used refresh token may be presented again (zero disables).
    pub refresh_reuse_grace: Duration,
    pub bcrypt_cost: u32,
    /// bcrypt comparisons and hashes running and waiting at most (docs/CONFIGURATION.md).
    pub password_work: PasswordWorkLimits,
    /// Per-address limit on login, register and refresh; `None` when switched off.
    pub rate_limit: Option<RateLimit>,
    /// `RATE_LIMIT_BURST`: requests one address may send at once on a limited route.
    pub rate_limit_burst: NonZeroU32,
    pub trusted_proxies: TrustedProxies,
    /// Failed logins from one address before the backoff starts.
    pub login_max_failures: u32,
    /// How often the cleanup task runs.
    pub cleanup_interval: Duration,
    /// How long dead sessions and expired tokens are kept before cleanup removes them.
    pub cleanup_retention: Duration,
    /// How long audit events are kept.
    pub audit_retention: Duration,
    /// Account-recovery mail: delivery, sender, links, lifetimes (docs/CONFIGURATION.md, All variables).
    pub mail: MailSettings,
    /// The event log and its feed (docs/EVENTS.md).
    pub events: EventSettings,
    /// Where the events are posted, and how (docs/EVENTS.md, Webhooks).
    pub webhooks: WebhookSettings,
}

impl Settings {
    /// Reads the process environment, into which `main` has loaded the `.env` files
    /// (`service_kit::dotenv`) first.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|var| std::env::var(var).ok())
    }

    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env::new(lookup);
        let server = ServerSettings::from_env(
            &env,
            &Defaults {
                bind_addr: "0.0.0.0:8080",
                metrics_addr: "127.0.0.1:9090",
                database: "auth",
            },
        )?;
        let access = AccessConfig::from_env(&env, Role::Issuer)?;
        let refresh_secret = shared_tokens::config::secret(&env, "REFRESH_TOKEN_SECRET")?;
        let refresh_previous_secrets =
            shared_tokens::config::secrets(&env, "REFRESH_TOKEN_PREVIOUS_SECRETS")?;
        let access_secrets = access.keys.secrets();
        if std::iter::once(&refresh_secret)
            .chain(&refresh_previous_secrets)
            .any(|s| access_secrets.contains(&s))
        {
            return Err(ConfigError::new(
                "REFRESH_TOKEN_SECRET",
                "a secret different from every ACCESS_TOKEN secret",
            ));
        }
        let refresh_expiry = env.duration("REFRESH_TOKEN_EXPIRY", "7d")?;
        if refresh_expiry.is_zero() {
            return Err(ConfigError::new(
                "REFRESH_TOKEN_EXPIRY",
                "a duration longer than zero",
            ));
        }
        let session_max_lifetime = env.duration("SESSION_MAX_LIFETIME", "30d")?;
        if session_max_lifetime.is_zero() {
            return Err(ConfigError::new(
                "SESSION_MAX_LIFETIME",
                "a duration longer than zero",
            ));
        }
        let bcrypt_cost = env.number("BCRYPT_COST", 12u32, "a whole number from 4 to 31")?;
        if !(4..=31).contains(&bcrypt_cost) {
            return Err(ConfigError::new(
                "BCRYPT_COST",
                "a whole number from 4 to 31",
            ));
        }
        let password_work = password_work_limits(&env)?;
        let rate_limit = RateLimit::parse(&env.string_or("RATE_LIMIT_PER_IP", "20/min"))
            .map_err(|e| ConfigError::new("RATE_LIMIT_PER_IP", e))?;
        let burst_default = rate_limit.map_or(NonZeroU32::MIN, |r| r.default_burst());
        let rate_limit_burst = env.number(
            "RATE_LIMIT_BURST",
            burst_default.get(),
            "a whole number of requests greater than zero",
        )?;
        let rate_limit_burst = NonZeroU32::new(rate_limit_burst).ok_or_else(|| {
            ConfigError::new(
                "RATE_LIMIT_BURST",
                "a whole number of requests greater than zero",
            )
        })?;
        // Read with the access settings: the origin check needs them too.
        let trusted_proxies = access.trusted_proxies.clone();
        let login_max_failures =
            env.number("LOGIN_MAX_FAILURES", 5u32, "a whole number from 1 to 100")?;
        if !(1..=100).contains(&login_max_failures) {
            return Err(ConfigError::new(
                "LOGIN_MAX_FAILURES",
                "a whole number from 1 to 100",
            ));
        }
        let cleanup_interval = env.duration("CLEANUP_INTERVAL", "10m")?;
        if cleanup_interval.is_zero() {
            return Err(ConfigError::new(
                "CLEANUP_INTERVAL",
                "a duration longer than zero",
            ));
        }
        let mail = MailSettings::from_env(&env, server.production)?;
        let events = EventSettings::from_env(&env, access.expiry)?;
        let webhooks = WebhookSettings::from_env(&env)?;
        env.https_in_production(
            "PUBLIC_URL",
            &mail.public_url,
            "the password-reset and verification links would travel readable and changeable",
        )?;
        Ok(Self {
            mail,
            events,
            webhooks,
            rate_limit,
            rate_limit_burst,
            trusted_proxies,
            login_max_failures,
            cleanup_interval,
            cleanup_retention: env.duration("CLEANUP_RETENTION", "7d")?,
            audit_retention: env.duration("AUDIT_RETENTION", "90d")?,
            server,
            access,
            refresh_secret,
            refresh_previous_secrets,
            refresh_expiry,
            session_max_lifetime,
            refresh_reuse_grace: env.duration("REFRESH_REUSE_GRACE", "10s")?,
            bcrypt_cost,
            password_work,
        })
    }
}

/// `PASSWORD_HASH_CONCURRENCY` and `PASSWORD_HASH_QUEUE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordWorkLimits {
    pub concurrency: usize,
    pub queue: usize,
}

impl PasswordWorkLimits {
    /// One bcrypt per core, and a queue of two rounds' worth: a login waits at most about three
    /// bcrypt times before it starts.
    pub fn for_cores(cores: usize) -> Self {
        let concurrency = cores.max(1);
        Self {
            concurrency,
            queue: 2 * concurrency,
        }
    }
}

/// `PASSWORD_HASH_CONCURRENCY` (default: the cores) and `PASSWORD_HASH_QUEUE` (default: twice
/// the concurrency).
fn password_work_limits(env: &Env<'_>) -> Result<PasswordWorkLimits, ConfigError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let default = PasswordWorkLimits::for_cores(cores);
    let concurrency = env.number(
        "PASSWORD_HASH_CONCURRENCY",
        default.concurrency,
        "a whole number from 1 to 1024",
    )?;
    if !(1..=1024).contains(&concurrency) {
        return Err(ConfigError::new(
            "PASSWORD_HASH_CONCURRENCY",
            "a whole number from 1 to 1024",
        ));
    }
    let queue = env.number(
        "PASSWORD_HASH_QUEUE",
        2 * concurrency,
        "a whole number from 0 to 100000",
    )?;
    if queue > 100_000 {
        return Err(ConfigError::new(
            "PASSWORD_HASH_QUEUE",
            "a whole number from 0 to 100000",
        ));
    }
    Ok(PasswordWorkLimits { concurrency, queue })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const A: &str = "access-secret-access-secret-access-secret";
    const R: &str = "refresh-secret-refresh-secret-refresh-secret";

    fn read(extra: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let mut map: HashMap<&str, &str> = HashMap::from([
            ("DATABASE_URL", "postgres://localhost/auth"),
            ("ACCESS_TOKEN_SECRET", A),
            ("REFRESH_TOKEN_SECRET", R),
        ]);
        map.extend(extra.iter().copied());
        Settings::from_lookup(&|k| map.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn defaults_match_the_spec() {
        let s = read(&[]).unwrap();
        assert_eq!(s.server.bind_addr, "0.0.0.0:8080");
        assert_eq!(s.refresh_expiry, Duration::from_secs(7 * 86_400));
        assert_eq!(s.session_max_lifetime, Duration::from_secs(30 * 86_400));
        assert_eq!(s.refresh_reuse_grace, Duration::from_secs(10));
        assert_eq!(s.bcrypt_cost, 12);
        assert_eq!(s.server.db_pool_size, 10);
        assert_eq!(s.login_max_failures, 5);
        assert_eq!(s.server.metrics_addr.as_deref(), Some("127.0.0.1:9090"));
        assert_eq!(s.rate_limit_burst.get(), 5);
        assert_eq!(s.mail.reset_lifetime, Duration::from_secs(1800));
        assert_eq!(s.mail.verification_lifetime, Duration::from_secs(86_400));
        assert_eq!(s.mail.public_url, "http://localhost:3000");
        assert!(matches!(&s.mail.delivery, Delivery::Directory(d) if d.as_os_str() == "mail"));
        let fast = read(&[("RATE_LIMIT_PER_IP", "1000000/min")]).unwrap();
        assert_eq!(fast.rate_limit_burst.get(), 250_000);
        let set = read(&[("RATE_LIMIT_BURST", "40")]).unwrap();
        assert_eq!(set.rate_limit_burst.get(), 40);
        assert_eq!(
            s.rate_limit.map(|r| (r.count.get(), r.period)),
            Some((20, Duration::from_secs(60)))
        );
    }

    #[test]
    fn equal_access_and_refresh_secrets_are_refused() {
        let err = read(&[("REFRESH_TOKEN_SECRET", A)]).unwrap_err();
        assert_eq!(err.var, "REFRESH_TOKEN_SECRET");
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (var, value) in [
            ("DATABASE_URL", ""),
            ("REFRESH_TOKEN_SECRET", "short"),
            ("REFRESH_TOKEN_EXPIRY", "week"),
            ("SESSION_MAX_LIFETIME", "0"),
            ("REFRESH_REUSE_GRACE", "ten"),
            ("BCRYPT_COST", "3"),
            ("DB_POOL_SIZE", "many"),
            ("RATE_LIMIT_PER_IP", "lots"),
            ("RATE_LIMIT_BURST", "0"),
            ("TRUSTED_PROXIES", "proxy.local"),
            ("LOGIN_MAX_FAILURES", "0"),
            ("CLEANUP_INTERVAL", "0"),
            ("CLEANUP_RETENTION", "forever"),
            ("AUDIT_RETENTION", "a year"),
            ("METRICS_ADDR", "9090"),
            ("SMTP_URL", "mail.example.com"),
            ("MAIL_FROM", "not an address"),
            ("PUBLIC_URL", "localhost:3000"),
            ("PASSWORD_RESET_TOKEN_LIFETIME", "31d"),
            ("EMAIL_VERIFICATION_TOKEN_LIFETIME", "0"),
            ("MAIL_RATE_PER_RECIPIENT", "lots"),
            ("MAIL_RETRY_INITIAL", "soon"),
            ("WEBHOOK_URLS", "hooks.example.com"),
            ("WEBHOOK_TIMEOUT", "later"),
        ] {
            let err = read(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{var}={value}");
        }
    }

    #[test]
    fn debug_output_hides_the_secrets_and_the_database_password() {
        let s = read(&[
            ("DATABASE_URL", "postgres://app:hunter2@db/auth"),
            (
                "ACCESS_TOKEN_PREVIOUS_SECRETS",
                "previous-access-secret-0123456789abcdef",
            ),
        ])
        .unwrap();
        let printed = format!("{s:?}");
        for secret in ["hunter2", A, R, "previous-access-secret-0123456789abcdef"] {
            assert!(!printed.contains(secret), "{secret} printed: {printed}");
        }
        assert!(
            printed.contains("bcrypt_cost"),
            "the rest still prints: {printed}"
        );
    }

    #[test]
    fn production_needs_a_mail_server_or_a_mail_directory_and_hides_the_smtp_password() {
        let err = read(&[("APP_ENV", "production")]).unwrap_err();
        assert_eq!(err.var, "SMTP_URL");
        let https = ("PUBLIC_URL", "https://photos.example");
        assert!(read(&[("APP_ENV", "production"), ("MAIL_DIR", "/var/mail"), https]).is_ok());
        let s = read(&[("SMTP_URL", "smtps://mailer:hunter3@smtp.example.com:465")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter3"));
        let bad = read(&[("SMTP_URL", "smtps://mailer:hunter3@")]).unwrap_err();
        assert!(!bad.to_string().contains("hunter3"), "{bad}");
    }

    #[test]
    fn production_refuses_a_plain_http_public_url_even_on_loopback() {
        let production = [("APP_ENV", "production"), ("MAIL_DIR", "/var/mail")];
        for url in [
            "http://photos.example",
            "http://127.0.0.1:3000",
            "http://localhost:3000",
        ] {
            let err = read(&[production[0], production[1], ("PUBLIC_URL", url)]).unwrap_err();
            assert_eq!(err.var, "PUBLIC_URL", "{url}");
            assert!(err.to_string().starts_with("PUBLIC_URL: "), "{err}");
            // Development keeps its plain-http web app.
            assert!(read(&[("PUBLIC_URL", url)]).is_ok(), "{url}");
        }
        // Unset, it is the development default, http://localhost:3000: refused too.
        assert_eq!(read(&production).unwrap_err().var, "PUBLIC_URL");
        let https = ("PUBLIC_URL", "https://photos.example");
        assert!(read(&[production[0], production[1], https]).is_ok());
    }

    #[test]
    fn grace_zero_is_allowed() {
        assert_eq!(
            read(&[("REFRESH_REUSE_GRACE", "0")])
                .unwrap()
                .refresh_reuse_grace,
            Duration::ZERO
        );
    }
}
