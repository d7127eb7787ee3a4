//! The `.env` files a service reads at start (docs/CONFIGURATION.md, Files for a local run):
//! `.env.<service>` for what differs between the services (`DATABASE_URL` above all: each has its
//! own database), then `.env` for what they share. A variable already set is never overwritten,
//! so the process environment wins over both files, and `.env.<service>` over `.env`.

/// The files `service` reads, the one that wins first. Each is looked for in the working
/// directory and its parents.
pub fn files(service: &str) -> [String; 2] {
    [format!(".env.{service}"), ".env".to_owned()]
}

/// Loads [`files`] into the process environment; a missing file is normal. Call it first thing
/// in `main`, before logging starts, so `RUST_LOG` from a file counts too.
pub fn load(service: &str) {
    for file in files(service) {
        let _ = dotenvy::from_filename(file);
    }
}
