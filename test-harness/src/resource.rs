//! resource-service for a test: photos in a directory of its own, a small database pool.

use crate::{start_instance, vars, Instance, Vars, ALLOWED_ORIGIN};
use resource_service::config::Settings;
use test_support::{access_keys, TestDatabase};

/// A running resource-service; its `dir` is the default `PHOTO_STORE`.
pub type ResourceInstance = Instance<Settings>;

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

/// Starts resource-service on a fresh database, with the base variables changed by `configure`.
pub async fn start_resource(configure: impl FnOnce(&mut Vars)) -> ResourceInstance {
    start_resource_on(TestDatabase::create(), configure).await
}

/// The same on `db`, which may already hold data (and part of the schema).
pub async fn start_resource_on(
    db: TestDatabase,
    configure: impl FnOnce(&mut Vars),
) -> ResourceInstance {
    start_instance(db, base_vars, configure, settings_from, |settings| {
        resource_service::startup::build(settings)
    })
    .await
}

/// The settings `vars` give; a test's variables must be valid.
pub fn settings_from(vars: &Vars) -> Settings {
    Settings::from_lookup(&|k| vars.get(k).cloned()).expect("test settings must be valid")
}
