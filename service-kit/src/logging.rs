//! Log setup shared by both binaries: `RUST_LOG` (default `info`) to stderr, one line per
//! record, with `request_id=` appended whenever the record is written on behalf of a request.

use crate::request_id;
use std::io::Write;

/// Installs the logger. Call once, first thing in `main`.
pub fn init() {
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
        .init();
}
