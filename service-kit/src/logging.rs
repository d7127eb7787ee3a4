//! Log setup shared by both binaries: `RUST_LOG` (default `info`) to stderr, one line per
//! record, with `request_id=` appended whenever the record is written on behalf of a request.
//!
//! Requests the HTTP layer cannot even parse (a NUL byte in a header, a broken request line) are
//! the client's garbage, not our error: actix reports them at ERROR, and this logger writes them
//! at DEBUG instead and counts them ([`malformed_requests`], exported by the metrics as
//! `http_malformed_requests_total`), so an alert on ERROR lines means something of ours broke.

use crate::request_id;
use log::{Level, Log, Metadata, Record};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

static MALFORMED_REQUESTS: AtomicU64 = AtomicU64::new(0);

/// Requests refused by the HTTP layer as unparseable since the process started.
pub fn malformed_requests() -> u64 {
    MALFORMED_REQUESTS.load(Ordering::Relaxed)
}

/// Whether `record` is actix's report of a request it could not parse.
fn is_malformed_request(record: &Record<'_>) -> bool {
    record.level() == Level::Error
        && record.target().starts_with("actix_http::h1")
        && record
            .args()
            .to_string()
            .starts_with("stream error: request parse error")
}

/// env_logger, with client garbage moved down to DEBUG and counted.
struct Logger(env_logger::Logger);

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.0.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if !is_malformed_request(record) {
            return self.0.log(record);
        }
        MALFORMED_REQUESTS.fetch_add(1, Ordering::Relaxed);
        let lowered = Record::builder()
            .level(Level::Debug)
            .target(record.target())
            .args(*record.args())
            .build();
        if self.0.enabled(lowered.metadata()) {
            self.0.log(&lowered);
        }
    }

    fn flush(&self) {
        self.0.flush();
    }
}

/// Installs the logger. Call once, first thing in `main`.
pub fn init() {
    let logger =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
            .format(|buf, record| {
                write!(
                    buf,
                    "[{} {:<5} {}] {}",
                    buf.timestamp_millis(),
                    record.level(),
                    record.target(),
                    record.args()
                )?;
                if let Some(id) = request_id::current() {
                    write!(buf, " request_id={id}")?;
                }
                writeln!(buf)
            })
            .build();
    // ERROR records always reach `log` (they are what gets counted); the rest as RUST_LOG says.
    log::set_max_level(logger.filter().max(log::LevelFilter::Error));
    // A second `init` (tests) keeps the first logger.
    let _ = log::set_boxed_logger(Box::new(Logger(logger)));
}
