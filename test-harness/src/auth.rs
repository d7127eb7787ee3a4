//! auth-service for a test: bcrypt at cost 4, per-address limits off (every test client is
//! 127.0.0.1), mails written to a directory of its own.

use crate::{start_instance, vars, Instance, Vars, ALLOWED_ORIGIN};
use auth_service::config::Settings;
use test_support::{access_keys, TestDatabase};

/// The refresh-token secret of every test instance.
pub const REFRESH_SECRET: &str = "test-refresh-secret-0123456789abcdef0123456789";

/// The event feed's secret of every test instance (`EVENT_FEED_SECRET`).
pub const FEED_SECRET: &str = "test-event-feed-secret-0123456789abcdef012345";

/// A running auth-service; its `dir` is `MAIL_DIR`, where it writes its mails unless the test
/// gave it an `SMTP_URL`.
pub type AuthInstance = Instance<Settings>;

/// The variables every test instance starts from, with the access keys of this run's mode
/// (`test_support::access_keys`).
pub fn base_vars(database_url: &str, mail_dir: &str) -> Vars {
    let mut base = vars([
        ("DATABASE_URL", database_url.to_owned()),
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("METRICS_ADDR", "127.0.0.1:0".to_owned()),
        ("REFRESH_TOKEN_SECRET", REFRESH_SECRET.to_owned()),
        ("BCRYPT_COST", "4".to_owned()),
        ("ALLOWED_ORIGINS", ALLOWED_ORIGIN.to_owned()),
        // Every test client is 127.0.0.1: per-address limits would make tests depend on each
        // other's pace. The limits have their own tests, which switch them back on.
        ("RATE_LIMIT_PER_IP", "off".to_owned()),
        ("LOGIN_MAX_FAILURES", "100".to_owned()),
        // Tests send parallel requests of their own; the bound on bcrypt work per instance has
        // its own tests, which set it back.
        ("PASSWORD_HASH_QUEUE", "10000".to_owned()),
        ("MAIL_DIR", mail_dir.to_owned()),
        ("EVENT_FEED_SECRET", FEED_SECRET.to_owned()),
    ]);
    base.extend(vars(access_keys::issuer_vars()));
    base
}

/// Starts auth-service on a fresh database, with the base variables changed by `configure`.
pub async fn start_auth(configure: impl FnOnce(&mut Vars)) -> AuthInstance {
    start_auth_on(TestDatabase::create(), configure).await
}

/// The same on `db`, which may already hold data.
pub async fn start_auth_on(db: TestDatabase, configure: impl FnOnce(&mut Vars)) -> AuthInstance {
    start_instance(db, base_vars, configure, settings_from, |settings| {
        auth_service::startup::build(settings)
    })
    .await
}

/// The settings `vars` give; a test's variables must be valid.
pub fn settings_from(vars: &Vars) -> Settings {
    Settings::from_lookup(&|k| vars.get(k).cloned()).expect("test settings must be valid")
}
