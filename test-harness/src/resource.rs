//! resource-service for a test: photos in a directory of its own, a small database pool.

use crate::{serve, vars, Running, Vars, ALLOWED_ORIGIN};
use resource_service::config::Settings;
use std::ops::Deref;
use test_support::{access_keys, TestDatabase};

/// The variables every test instance starts from, with the access keys of this run's mode
/// (`test_support::access_keys`).
pub fn base_vars(database_url: &str, photo_store: &str) -> Vars {
    let mut base = vars([
        ("DATABASE_URL", database_url.to_owned()),
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("METRICS_ADDR", "127.0.0.1:0".to_owned()),
        ("ALLOWED_ORIGINS", ALLOWED_ORIGIN.to_owned()),
        ("DB_POOL_SIZE", "4".to_owned()),
        ("PHOTO_STORE", photo_store.to_owned()),
    ]);
    base.extend(vars(access_keys::verifier_vars()));
    base
}

/// A running resource-service and what it was started with.
pub struct ResourceInstance {
    pub running: Running,
    pub settings: Settings,
    pub vars: Vars,
    /// Kept alive for as long as the service: dropping it drops the database.
    pub db: TestDatabase,
    /// The default `PHOTO_STORE`, removed at the end of the test.
    pub photo_dir: tempfile::TempDir,
}

impl Deref for ResourceInstance {
    type Target = Running;

    fn deref(&self) -> &Running {
        &self.running
    }
}

/// Starts resource-service on a fresh database, with the base variables changed by `configure`.
pub async fn start_resource(configure: impl FnOnce(&mut Vars)) -> ResourceInstance {
    start_resource_on(TestDatabase::create(), configure).await
}

/// The same on `db`, which may already hold data (and part of the schema).
pub async fn start_resource_on(
    db: TestDatabase,
    configure: impl FnOnce(&mut Vars),
) -> ResourceInstance {
    let photo_dir = tempfile::tempdir().expect("a photo directory");
    let mut vars = base_vars(db.url(), &photo_dir.path().to_string_lossy());
    configure(&mut vars);
    let settings = settings_from(&vars);
    let running = serve(resource_service::startup::build(settings.clone())).await;
    ResourceInstance {
        running,
        settings,
        vars,
        db,
        photo_dir,
    }
}

/// The settings `vars` give; a test's variables must be valid.
pub fn settings_from(vars: &Vars) -> Settings {
    Settings::from_lookup(&|k| vars.get(k).cloned()).expect("test settings must be valid")
}
