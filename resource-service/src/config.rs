//! The service's configuration (docs/CONFIGURATION.md): one typed struct, read once at start.

mod revocations;
mod uploads;

pub use revocations::{FeedSettings, StaleTokens};
pub use uploads::{default_workers, UploadSettings, DEFAULT_DECODE_MEMORY};

use crate::storage::StoreLocation;
use service_kit::server::{Defaults, ServerSettings};
use service_kit::{ConfigError, Env};
use shared_tokens::{AccessConfig, Role};
use std::time::Duration;

/// The default upload limit: 5 MiB.
pub const DEFAULT_MAX_PHOTO_BYTES: usize = 5_242_880;

/// Every secret in it (`database_url`, which may hold a password, and the access-token secrets)
/// is a type whose `Debug` is redacted, so printing the settings prints none of them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`, `BIND_ADDR`, `APP_ENV`, `DB_POOL_SIZE`, `SHUTDOWN_TIMEOUT`, `METRICS_ADDR`:
    /// read as auth-service reads them.
    pub server: ServerSettings,
    /// Access-token, cookie and origin settings, read exactly as auth-service reads them.
    pub access: AccessConfig,
    /// `JWKS_REFRESH_INTERVAL`, default 5m: how often keys are fetched from `JWKS_URL`.
    pub jwks_refresh_interval: Duration,
    /// `JWKS_MIN_REFETCH_INTERVAL`, default 30s: the least time between two fetches that
    /// tokens with unknown `kid`s cause.
    pub jwks_min_refetch_interval: Duration,
    /// `MAX_PHOTO_BYTES`, default 5 MiB.
    pub max_photo_bytes: usize,
    /// `MAX_PHOTOS_PER_USER`, default 1000: how many photos one account may keep.
    pub max_photos_per_user: i64,
    /// `PHOTO_STORE`, default the directory `data/photos` (relative to the working directory):
    /// where photo bytes are kept.
    pub photo_store: StoreLocation,
    /// `PHOTO_ORPHAN_GRACE`, default 1h: how old an object no photo names must be before the
    /// sweep removes it (an upload in progress writes its objects before its row).
    pub photo_orphan_grace: Duration,
    /// `REQUIRE_VERIFIED_EMAIL`, default false: uploads need an access token whose
    /// `email_verified` is true (docs/RECOVERY.md).
    pub require_verified_email: bool,
    /// The bounds on uploads in progress: `UPLOADS_IN_FLIGHT`, `UPLOADS_IN_FLIGHT_PER_USER`,
    /// `UPLOAD_STALL_TIMEOUT`, `UPLOAD_DECODE_MEMORY`, `PHOTO_WORKERS`.
    pub uploads: UploadSettings,
    /// auth-service's event feed, when followed (docs/EVENTS.md).
    pub feed: Option<FeedSettings>,
}

impl Settings {
    /// Reads every variable through `lookup`, so tests can pass a map instead of the process
    /// environment.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let env = Env::new(lookup);
        let server = ServerSettings::from_env(
            &env,
            &Defaults {
                bind_addr: "0.0.0.0:8081",
                metrics_addr: "127.0.0.1:9091",
                database: "resources",
            },
        )?;
        let access = AccessConfig::from_env(&env, Role::Verifier)?;
        let jwks_refresh_interval = env.duration("JWKS_REFRESH_INTERVAL", "5m")?;
        let jwks_min_refetch_interval = env.duration("JWKS_MIN_REFETCH_INTERVAL", "30s")?;
        for (var, value) in [
            ("JWKS_REFRESH_INTERVAL", jwks_refresh_interval),
            ("JWKS_MIN_REFETCH_INTERVAL", jwks_min_refetch_interval),
        ] {
            if value < Duration::from_secs(1) {
                return Err(ConfigError::new(var, "a duration of at least 1s"));
            }
        }
        let max_photo_bytes = env.number(
            "MAX_PHOTO_BYTES",
            DEFAULT_MAX_PHOTO_BYTES,
            "a number of bytes greater than zero, like 5242880",
        )?;
        if max_photo_bytes == 0 {
            return Err(ConfigError::new(
                "MAX_PHOTO_BYTES",
                "a number of bytes greater than zero, like 5242880",
            ));
        }
        let max_photos_per_user = env.number(
            "MAX_PHOTOS_PER_USER",
            1000i64,
            "a whole number of photos greater than zero, like 1000",
        )?;
        if max_photos_per_user < 1 {
            return Err(ConfigError::new(
                "MAX_PHOTOS_PER_USER",
                "a whole number of photos greater than zero, like 1000",
            ));
        }
        let photo_store = StoreLocation::parse(&env.string_or("PHOTO_STORE", "data/photos"))
            .map_err(|expected| ConfigError::new("PHOTO_STORE", expected))?;
        let photo_orphan_grace = env.duration("PHOTO_ORPHAN_GRACE", "1h")?;
        if photo_orphan_grace < Duration::from_secs(1) {
            return Err(ConfigError::new(
                "PHOTO_ORPHAN_GRACE",
                "a duration of at least 1s, like 1h",
            ));
        }
        Ok(Settings {
            server,
            photo_store,
            photo_orphan_grace,
            access,
            jwks_refresh_interval,
            jwks_min_refetch_interval,
            max_photo_bytes,
            max_photos_per_user,
            require_verified_email: env.bool("REQUIRE_VERIFIED_EMAIL", false)?,
            uploads: UploadSettings::from_env(&env)?,
            feed: FeedSettings::from_env(&env)?,
        })
    }

    /// Reads the process environment, into which `main` has loaded the `.env` files
    /// (`service_kit::dotenv`) first.
    pub fn from_env() -> Result<Settings, ConfigError> {
        Self::from_lookup(&|var| std::env::var(var).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SECRET: &str = "resource-config-test-secret-0123456789";

    fn read(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(&move |k: &str| map.get(k).cloned())
    }

    fn minimal() -> Vec<(&'static str, &'static str)> {
        vec![
            ("DATABASE_URL", "postgres://postgres@localhost/resources"),
            ("ACCESS_TOKEN_SECRET", SECRET),
        ]
    }

    #[test]
    fn defaults_apply_when_only_required_variables_are_set() {
        let settings = read(&minimal()).unwrap();
        assert_eq!(settings.server.bind_addr, "0.0.0.0:8081");
        assert_eq!(settings.max_photo_bytes, 5_242_880);
        assert_eq!(settings.server.db_pool_size, 10);
        assert_eq!(settings.access.audience, "resource-service");
        let uploads = &settings.uploads;
        assert_eq!((uploads.in_flight, uploads.in_flight_per_user), (32, 4));
        assert_eq!(uploads.stall_timeout, Duration::from_secs(30));
        assert_eq!(uploads.decode_memory, 256 * 1024 * 1024);
        assert_eq!(uploads.workers, default_workers());
    }

    #[test]
    fn a_missing_database_url_names_the_variable() {
        let err = read(&[("ACCESS_TOKEN_SECRET", SECRET)]).unwrap_err();
        assert_eq!(err.var, "DATABASE_URL");
    }

    #[test]
    fn a_missing_access_secret_names_the_variable() {
        let err = read(&[("DATABASE_URL", "postgres://localhost/x")]).unwrap_err();
        assert_eq!(err.var, "ACCESS_TOKEN_SECRET");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("DATABASE_URL", "mysql://localhost/x"),
            ("BIND_ADDR", "8081"),
            ("BIND_ADDR", "0.0.0.0:http"),
            ("MAX_PHOTO_BYTES", "5MB"),
            ("MAX_PHOTO_BYTES", "0"),
            ("DB_POOL_SIZE", "0"),
            ("DB_POOL_SIZE", "-3"),
            ("JWT_LEEWAY", "5m"),
            ("UPLOADS_IN_FLIGHT", "0"),
            ("UPLOADS_IN_FLIGHT", "many"),
            ("UPLOADS_IN_FLIGHT_PER_USER", "0"),
            ("UPLOAD_STALL_TIMEOUT", "0s"),
            ("UPLOAD_STALL_TIMEOUT", "30"),
            ("UPLOAD_DECODE_MEMORY", "256MiB"),
            ("UPLOAD_DECODE_MEMORY", "1024"),
            ("PHOTO_WORKERS", "0"),
            ("PHOTO_WORKERS", "100000"),
        ] {
            let mut vars = minimal();
            vars.retain(|(k, _)| *k != var);
            vars.push((var, value));
            let err = read(&vars).unwrap_err();
            assert_eq!(err.var, var, "{var}={value}");
        }
    }

    #[test]
    fn debug_output_hides_the_database_url() {
        let mut vars = minimal();
        vars[0] = ("DATABASE_URL", "postgres://app:hunter2@db/resources");
        let settings = read(&vars).unwrap();
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains(SECRET), "{printed}");
        assert!(
            printed.contains("max_photo_bytes"),
            "the rest still prints: {printed}"
        );
    }
}
