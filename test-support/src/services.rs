//! The environment of a test instance of each service: a database of its own, port 0, the access
//! keys of this run's mode (`access_keys`), and the slow or noisy parts off (bcrypt cost 4, no
//! rate limit, no metrics listener). Tests elsewhere in the workspace that start both services
//! (the client's, the command-line tool's) read their settings from these.

use crate::access_keys;
use crate::TestDatabase;
use std::collections::HashMap;

pub type Vars = HashMap<&'static str, String>;

/// auth-service's variables, and the database they name (dropped with it).
pub fn auth_env() -> (Vars, TestDatabase) {
    let db = TestDatabase::create();
    let mut vars: Vars = HashMap::from([
        ("DATABASE_URL", db.url().to_owned()),
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("METRICS_ADDR", "off".to_owned()),
        (
            "REFRESH_TOKEN_SECRET",
            "test-services-refresh-secret-0123456789abcdef".to_owned(),
        ),
        ("BCRYPT_COST", "4".to_owned()),
        ("RATE_LIMIT_PER_IP", "off".to_owned()),
        // Mails as .eml files, one directory per database (`crate::smtp::read_dir` reads them).
        (
            "MAIL_DIR",
            std::env::temp_dir()
                .join("photo-auth-test-mail")
                .join(db.name())
                .to_string_lossy()
                .into_owned(),
        ),
    ]);
    vars.extend(access_keys::issuer_vars());
    (vars, db)
}

/// resource-service's variables, the database and the photo directory they name.
pub fn resource_env() -> (Vars, TestDatabase, tempfile::TempDir) {
    let db = TestDatabase::create();
    let photos = tempfile::tempdir().expect("a temporary photo directory");
    let mut vars: Vars = HashMap::from([
        ("DATABASE_URL", db.url().to_owned()),
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("METRICS_ADDR", "off".to_owned()),
        ("PHOTO_STORE", photos.path().to_string_lossy().into_owned()),
    ]);
    vars.extend(access_keys::verifier_vars());
    (vars, db, photos)
}
