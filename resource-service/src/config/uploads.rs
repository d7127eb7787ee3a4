//! The bounds on uploads in progress (docs/CONFIGURATION.md; docs/PHOTOS.md, Limits): how many
//! at once, how long a body may stall, how much memory all decodes together may take, and on how
//! many threads photos are prepared.

use service_kit::{ConfigError, Env};
use std::time::Duration;

/// The default of `UPLOAD_DECODE_MEMORY`: 256 MiB for all decodes together, enough for one
/// 50-megapixel RGBA image at a time.
pub const DEFAULT_DECODE_MEMORY: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSettings {
    /// `UPLOADS_IN_FLIGHT`, default 32: uploads one instance takes at once; past it 503.
    pub in_flight: usize,
    /// `UPLOADS_IN_FLIGHT_PER_USER`, default 4: uploads one account has under way at once;
    /// past it 429.
    pub in_flight_per_user: usize,
    /// `UPLOAD_STALL_TIMEOUT`, default 30s: an upload body that sends nothing for this long is
    /// cut and its connection closed.
    pub stall_timeout: Duration,
    /// `UPLOAD_DECODE_MEMORY`, default 256 MiB: what all decodes together may hold, however
    /// many threads there are.
    pub decode_memory: u64,
    /// `PHOTO_WORKERS`, default one per two cores (at least one): the threads that prepare
    /// photos.
    pub workers: usize,
}

impl UploadSettings {
    pub fn from_env(env: &Env<'_>) -> Result<UploadSettings, ConfigError> {
        let in_flight = count(env, "UPLOADS_IN_FLIGHT", 32)?;
        let in_flight_per_user = count(env, "UPLOADS_IN_FLIGHT_PER_USER", 4)?;
        let stall_timeout = env.duration("UPLOAD_STALL_TIMEOUT", "30s")?;
        if stall_timeout < Duration::from_secs(1) {
            return Err(ConfigError::new(
                "UPLOAD_STALL_TIMEOUT",
                "a duration of at least 1s, like 30s",
            ));
        }
        let expected = "a number of bytes from 16777216 (16 MiB) to 1099511627776 (1 TiB), \
                        like 268435456";
        let decode_memory = env.number("UPLOAD_DECODE_MEMORY", DEFAULT_DECODE_MEMORY, expected)?;
        if !(16 << 20..=1 << 40).contains(&decode_memory) {
            return Err(ConfigError::new("UPLOAD_DECODE_MEMORY", expected));
        }
        let workers = count(env, "PHOTO_WORKERS", default_workers())?;
        Ok(UploadSettings {
            in_flight,
            in_flight_per_user,
            stall_timeout,
            decode_memory,
            workers,
        })
    }
}

/// One thread per two cores (at least one): the other cores serve requests meanwhile.
pub fn default_workers() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (cores / 2).max(1)
}

/// A whole number from 1 to 10000.
fn count(env: &Env<'_>, var: &'static str, default: usize) -> Result<usize, ConfigError> {
    let expected = "a whole number from 1 to 10000";
    let value = env.number(var, default, expected)?;
    if !(1..=10_000).contains(&value) {
        return Err(ConfigError::new(var, expected));
    }
    Ok(value)
}
