//! The mail settings (docs/CONFIGURATION.md, All variables): where mails go, who they are from, what
//! their links point at, and how long those links live.

use super::RateLimit;
use chrono::{DateTime, TimeDelta, Utc};
use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::Tokio1Executor;
use secrecy::{ExposeSecret, SecretString};
use service_kit::{ConfigError, Env};
use std::path::PathBuf;
use std::time::Duration;

/// Where mails are delivered.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// `SMTP_URL`: a mail server. The URL may hold a password, hence the secret type.
    Smtp(SecretString),
    /// `MAIL_DIR`: each mail becomes an `.eml` file there, for development.
    Directory(PathBuf),
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub delivery: Delivery,
    pub from: Mailbox,
    /// `PUBLIC_URL` without a trailing slash: the web app the links open.
    pub public_url: String,
    /// `PRODUCT_NAME`: how mails name the product.
    pub product_name: String,
    pub reset_lifetime: Duration,
    pub verification_lifetime: Duration,
    /// How long the link in an email-change notice can cancel or undo the change.
    pub cancel_lifetime: Duration,
    /// What may ask for mail, and how much (docs/RECOVERY.md, Limits).
    pub limits: MailLimits,
    /// The wait after the first failed attempt; it doubles after each failure, up to `retry_max`.
    pub retry_initial: Duration,
    pub retry_max: Duration,
}

/// The budgets of requested mails (forgot password, resend, email change); `None` is no limit.
#[derive(Debug, Clone, Copy, Default)]
pub struct MailLimits {
    /// `MAIL_RATE_PER_RECIPIENT`: mails one address may be sent, asked from one client address.
    pub per_recipient: Option<RateLimit>,
    /// `MAIL_RATE_PER_RECIPIENT_TOTAL`: mails one address may be sent, whoever asks.
    pub per_recipient_total: Option<RateLimit>,
    /// `MAIL_RATE_PER_ACCOUNT`: mails one account may cause, to any addresses.
    pub per_account: Option<RateLimit>,
    /// `MAIL_RATE_PER_CLIENT`: mails one client address may cause, to any addresses.
    pub per_client: Option<RateLimit>,
}

/// The longest a mailed link may live.
const MAX_LINK_LIFETIME: Duration = Duration::from_secs(30 * 86_400);

/// The moment `lifetime` from now; a lifetime too long to add (never one of the settings, which
/// are at most [`MAX_LINK_LIFETIME`]) ends at that limit.
pub fn expiry(lifetime: Duration) -> DateTime<Utc> {
    let lifetime = TimeDelta::from_std(lifetime.min(MAX_LINK_LIFETIME)).unwrap_or_default();
    Utc::now() + lifetime
}

/// Where development mails go when neither `SMTP_URL` nor `MAIL_DIR` is set.
const DEFAULT_MAIL_DIR: &str = "mail";

impl MailSettings {
    pub fn from_env(env: &Env<'_>, production: bool) -> Result<Self, ConfigError> {
        let smtp = env.get("SMTP_URL").filter(|v| !v.trim().is_empty());
        let dir = env.get("MAIL_DIR").filter(|v| !v.trim().is_empty());
        let delivery = match (smtp, dir) {
            (Some(url), _) => {
                let url = SecretString::from(url);
                check_smtp_url(&url)?;
                Delivery::Smtp(url)
            }
            (None, Some(dir)) => Delivery::Directory(PathBuf::from(dir)),
            (None, None) if production => return Err(ConfigError::new(
                "SMTP_URL",
                "an smtp:// or smtps:// URL in production (or MAIL_DIR to write mails to files)",
            )),
            (None, None) => Delivery::Directory(PathBuf::from(DEFAULT_MAIL_DIR)),
        };
        let from = env
            .string_or("MAIL_FROM", "photo-auth <no-reply@localhost>")
            .parse::<Mailbox>()
            .map_err(|_| {
                ConfigError::new(
                    "MAIL_FROM",
                    "an address like 'Photos <no-reply@example.com>'",
                )
            })?;
        let public_url = env.string_or("PUBLIC_URL", "http://localhost:3000");
        let public_url = public_url.trim().trim_end_matches('/').to_owned();
        let valid_url = url::Url::parse(&public_url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !valid_url {
            return Err(ConfigError::new(
                "PUBLIC_URL",
                "the web app's http:// or https:// address",
            ));
        }
        let product_name = env
            .string_or("PRODUCT_NAME", "photo-auth")
            .trim()
            .to_owned();
        if product_name.is_empty() || product_name.chars().count() > 64 {
            return Err(ConfigError::new(
                "PRODUCT_NAME",
                "a name of 1 to 64 characters",
            ));
        }
        let positive = |var: &'static str, default: &str| {
            let value = env.duration(var, default)?;
            if value.is_zero() {
                return Err(ConfigError::new(var, "a duration longer than zero"));
            }
            Ok(value)
        };
        let rate = |var: &'static str, default: &str| {
            RateLimit::parse(&env.string_or(var, default)).map_err(|e| ConfigError::new(var, e))
        };
        let limits = MailLimits {
            per_recipient: rate("MAIL_RATE_PER_RECIPIENT", "5/hour")?,
            per_recipient_total: rate("MAIL_RATE_PER_RECIPIENT_TOTAL", "20/hour")?,
            per_account: rate("MAIL_RATE_PER_ACCOUNT", "10/hour")?,
            per_client: rate("MAIL_RATE_PER_CLIENT", "30/hour")?,
        };
        let retry_initial = positive("MAIL_RETRY_INITIAL", "10s")?;
        let retry_max = positive("MAIL_RETRY_MAX", "10m")?.max(retry_initial);
        // A link that lives longer than a month is a standing key to the account.
        let link_lifetime = |var: &'static str, default: &str| {
            let value = positive(var, default)?;
            if value > MAX_LINK_LIFETIME {
                return Err(ConfigError::new(var, "a duration from 1s to 30d"));
            }
            Ok(value)
        };
        Ok(Self {
            delivery,
            from,
            public_url,
            product_name,
            reset_lifetime: link_lifetime("PASSWORD_RESET_TOKEN_LIFETIME", "30m")?,
            verification_lifetime: link_lifetime("EMAIL_VERIFICATION_TOKEN_LIFETIME", "24h")?,
            cancel_lifetime: link_lifetime("EMAIL_CHANGE_CANCEL_LIFETIME", "7d")?,
            limits,
            retry_initial,
            retry_max,
        })
    }
}

/// lettre reads the TLS mode from the URL: `smtps://` is TLS from the first byte,
/// `smtp://…?tls=required` STARTTLS or fail, `?tls=opportunistic` STARTTLS when offered, and a
/// plain `smtp://` no TLS (a relay on the same host or network). The error never repeats the
/// URL, which may hold a password.
fn check_smtp_url(url: &SecretString) -> Result<(), ConfigError> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
        .map(|_| ())
        .map_err(|_| {
            ConfigError::new(
                "SMTP_URL",
                "smtp://host:port, smtp://host:port?tls=required, or smtps://user:pass@host:465",
            )
        })
}
