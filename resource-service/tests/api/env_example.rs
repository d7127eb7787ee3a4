//! The example `.env` files (docs/CONFIGURATION.md, Files for a local run), read in the order the
//! services read them (`service_kit::dotenv::files`) and parsed by each service's own
//! configuration parser: each service gets its own database, and both the same access-token
//! settings.

use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::path::Path;

/// What `service` would see started from the repository root with every example copied into
/// place (the first file to set a variable wins, as with the real files).
fn example_environment(service: &str) -> HashMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut vars = HashMap::new();
    for file in service_kit::dotenv::files(service) {
        let path = root.join(format!("{file}.example"));
        for item in dotenvy::from_path_iter(&path).unwrap() {
            let (name, value) = item.unwrap();
            vars.entry(name).or_insert(value);
        }
    }
    vars
}

#[test]
fn the_example_env_files_give_each_service_its_own_database() {
    let auth = example_environment("auth-service");
    let resource = example_environment("resource-service");
    let auth = auth_service::config::Settings::from_lookup(&|k| auth.get(k).cloned()).unwrap();
    let resource =
        resource_service::config::Settings::from_lookup(&|k| resource.get(k).cloned()).unwrap();

    let database = |url: &str| url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(database(auth.server.database_url.expose_secret()), "auth");
    assert_eq!(
        database(resource.server.database_url.expose_secret()),
        "resource"
    );
    assert_eq!(auth.server.bind_addr, "0.0.0.0:8080");
    assert_eq!(resource.server.bind_addr, "0.0.0.0:8081");
    assert_ne!(auth.server.metrics_addr, resource.server.metrics_addr);
    assert_eq!(
        auth.access.keys.verifying_keys().kids(),
        resource.access.keys.verifying_keys().kids()
    );
    assert_eq!(auth.access.expiry, resource.access.expiry);
    assert_eq!(auth.access.cookies, resource.access.cookies);
}
