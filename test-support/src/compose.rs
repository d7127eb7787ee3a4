//! `docker-compose.yml` and the `Dockerfile` read just far enough to check them against each
//! service's own configuration loader. CI has no Docker engine, so nothing else notices when the
//! two files drift from the code. Every failure names the file and the key to fix.

use std::collections::BTreeMap;
use yaml_serde::Value;

const COMPOSE: &str = "docker-compose.yml";

/// A file at the workspace root, one level above this crate.
fn read(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `services.<service>` of the compose file, with its `<<:` merge keys applied.
fn block(service: &str) -> Value {
    let mut doc: Value = yaml_serde::from_str(&read(COMPOSE)).expect(COMPOSE);
    doc.apply_merge().expect(COMPOSE);
    let block = doc["services"][service].clone();
    assert!(block.is_mapping(), "{COMPOSE}: no services.{service}");
    block
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `value` as `docker compose up` gives it on a fresh clone (no `.env`, no shell variables):
/// `${VAR:-default}` is its default. Other `$` forms would take the host's value: refused.
fn interpolate(value: &str, key: &str) -> String {
    let refuse = || panic!("{COMPOSE}: {key}: {value:?} may only use `${{VAR:-default}}`");
    if value.matches('$').count() != value.matches("${").count() {
        refuse();
    }
    let mut parts = value.split("${");
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let (expr, rest) = part.split_once('}').unwrap_or_else(refuse);
        out = out + expr.split_once(":-").unwrap_or_else(refuse).1 + rest;
    }
    out
}

/// `services.<service>.environment` as the container gets it on a fresh clone. A key without a
/// value passes the host's variable through, which a fresh clone does not have: it stays unset.
/// A path under `/run/secrets/` becomes the file compose mounts there.
fn environment(service: &str) -> BTreeMap<String, String> {
    let env = block(service)["environment"].as_mapping().cloned();
    let env = env.unwrap_or_else(|| panic!("{COMPOSE}: services.{service}.environment: no map"));
    env.iter()
        .filter_map(|(name, value)| {
            let (name, value) = (scalar(name)?, scalar(value)?);
            let key = format!("services.{service}.environment.{name}");
            let value = interpolate(&value, &key);
            let value = match value.strip_prefix(SECRETS_DIR) {
                Some(secret) => secret_file(service, secret, &key),
                None => value,
            };
            Some((name, value))
        })
        .collect()
}

const SECRETS_DIR: &str = "/run/secrets/";

/// Where compose mounts `/run/secrets/<secret>` from: `secrets.<secret>.file`, which the service
/// must list under its own `secrets`.
fn secret_file(service: &str, secret: &str, key: &str) -> String {
    let listed = list(&block(service)["secrets"]).iter().any(|s| s == secret);
    assert!(
        listed,
        "{COMPOSE}: {key} names {secret}, missing from services.{service}.secrets"
    );
    let doc: Value = yaml_serde::from_str(&read(COMPOSE)).expect(COMPOSE);
    let file = scalar(&doc["secrets"][secret]["file"])
        .unwrap_or_else(|| panic!("{COMPOSE}: {key}: no secrets.{secret}.file"));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(file);
    path.to_string_lossy().into_owned()
}

/// The service's settings, read by its own loader (`Settings::from_lookup`) from its compose
/// environment. The loader's error names the variable; the panic adds the file.
pub fn settings<S, E: std::fmt::Display>(
    service: &str,
    from_lookup: impl FnOnce(&dyn Fn(&str) -> Option<String>) -> Result<S, E>,
) -> S {
    let env = environment(service);
    from_lookup(&|var| env.get(var).cloned()).unwrap_or_else(|e| {
        panic!("{COMPOSE}: services.{service}.environment is refused by {service}: {e}")
    })
}

fn list(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(scalar)
        .collect()
}

/// The port of `bind_addr` (the service's parsed `BIND_ADDR`) is the one container port compose
/// publishes, the one its healthcheck asks and the one the Dockerfile exposes.
pub fn check_ports(service: &str, bind_addr: &str) {
    let at = format!("{COMPOSE}: services.{service}");
    let block = block(service);
    let (host, port) = (bind_addr.rsplit_once(':'))
        .and_then(|(host, port)| Some((host, port.parse::<u16>().ok()?)))
        .unwrap_or_else(|| panic!("{at}: BIND_ADDR {bind_addr:?} is not host:port"));
    // Set here, not left to the Dockerfile's ENV (not read here); and in a container, only an
    // address other than loopback is reachable through `ports`.
    let set = environment(service).contains_key("BIND_ADDR") && matches!(host, "0.0.0.0" | "[::]");
    let why = format!("{at}.environment should set BIND_ADDR=0.0.0.0:<port>, not {bind_addr}");
    assert!(set, "{why}");

    // That port only: metrics stay unpublished (the comment in the compose file says why).
    let ports = list(&block["ports"]);
    let target =
        |p: &String| p.ends_with(&format!(":{port}")) || p.ends_with(&format!(":{port}/tcp"));
    let why = format!("{at}.ports is {ports:?}; it should be [\"<host>:{port}\"] (BIND_ADDR)");
    assert!(matches!(ports.as_slice(), [p] if target(p)), "{why}");

    // The `healthcheck` subcommand asks /healthz on the port of BIND_ADDR, read from the same
    // environment as the server (service-kit/src/healthcheck.rs), so the port is written once.
    let test = list(&block["healthcheck"]["test"]);
    let dockerfile = read("Dockerfile");
    let runs = |binary: &String| dockerfile.contains(&format!("ENTRYPOINT [\"{binary}\"]"));
    let healthcheck = matches!(test.as_slice(), [cmd, binary, sub]
        if cmd == "CMD" && runs(binary) && sub == "healthcheck");
    assert!(
        healthcheck,
        "{at}.healthcheck.test is {test:?}; it should be [\"CMD\", <the Dockerfile's ENTRYPOINT \
         binary>, \"healthcheck\"], which reads BIND_ADDR, not a port of its own"
    );

    let arg = scalar(&block["build"]["args"]["PORT"]).unwrap_or_default();
    let why = format!("{at}.build.args.PORT is {arg:?}; the Dockerfile EXPOSEs it: make it {port}");
    assert_eq!(arg, port.to_string(), "{why}");
    let exposed = dockerfile.contains("\nEXPOSE ${PORT}\n");
    assert!(
        exposed,
        "Dockerfile: the final stage should say `EXPOSE ${{PORT}}`"
    );
}

/// Every `ports` entry of every service publishes on 127.0.0.1 only (`127.0.0.1:HOST:CONTAINER`):
/// the compose file runs development settings, which no other machine may reach.
pub fn check_local_ports() {
    let mut doc: Value = yaml_serde::from_str(&read(COMPOSE)).expect(COMPOSE);
    doc.apply_merge().expect(COMPOSE);
    let services = doc["services"].as_mapping().cloned().unwrap_or_default();
    for (name, block) in &services {
        let name = scalar(name).unwrap_or_default();
        for port in list(&block["ports"]) {
            let local = port
                .strip_prefix("127.0.0.1:")
                .is_some_and(|rest| rest.contains(':'));
            assert!(
                local,
                "{COMPOSE}: services.{name}.ports has {port:?}; publish it as \
                 \"127.0.0.1:HOST:CONTAINER\""
            );
        }
    }
}

/// The image's final stage defaults to `APP_ENV=production`, and the service's compose
/// environment opts into `development` itself (docs/CONFIGURATION.md, APP_ENV).
pub fn check_app_env(service: &str) {
    let dockerfile = read("Dockerfile");
    let runtime = dockerfile.rsplit("\nFROM ").next().unwrap_or_default();
    let production = runtime.lines().any(|line| {
        line.starts_with("ENV ") && line.split_whitespace().any(|kv| kv == "APP_ENV=production")
    });
    assert!(
        production,
        "Dockerfile: the final stage should set `ENV ... APP_ENV=production`"
    );
    let env = environment(service);
    assert_eq!(
        env.get("APP_ENV").map(String::as_str),
        Some("development"),
        "{COMPOSE}: services.{service}.environment should set APP_ENV: development"
    );
}
