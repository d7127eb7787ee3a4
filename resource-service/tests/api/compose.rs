//! `docker-compose.yml` and the `Dockerfile` checked against resource-service's own configuration.
//! CI has no Docker engine, so nothing ever starts these files there: these tests keep them from
//! drifting away from the code. Every failure says what drifted and which file to fix.

use crate::helpers::spawn_app;
use resource_service::config::Settings;
use shared_tokens::config::DEVELOPMENT_SECRET_PREFIX;
use shared_tokens::ConfigError;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};
use test_support::compose::{checks, Compose};

const SERVICE: &str = "resource-service";
/// SPEC §3: resource-service listens on 8081.
const SPEC_PORT: u16 = 8081;
const POSTGRES: &str = "postgres";
/// The secrets SPEC §6 makes this service require.
const REQUIRED_SECRETS: &[&str] = &["ACCESS_TOKEN_SECRET"];
const BINARY: &str = env!("CARGO_BIN_EXE_resource-service");

/// What a container of this service starts with: the image's ENV, then compose's `environment`.
fn container_env() -> BTreeMap<String, String> {
    Compose::load().container_environment(SERVICE)
}

/// The service's real config parser over `env`, and every variable name it looked up.
fn parse(env: &BTreeMap<String, String>) -> (Result<Settings, ConfigError>, BTreeSet<String>) {
    let read = RefCell::new(BTreeSet::new());
    let settings = Settings::from_lookup(&|name| {
        read.borrow_mut().insert(name.to_owned());
        env.get(name).cloned()
    });
    (settings, read.into_inner())
}

/// The settings the service reads from the compose environment, and the variables it looked up.
fn compose_settings() -> (Settings, BTreeSet<String>) {
    let (settings, read) = parse(&container_env());
    let settings = settings.unwrap_or_else(|e| {
        panic!(
            "docker-compose.yml: services.{SERVICE}.environment (over the Dockerfile's ENV) is \
             refused by {SERVICE}'s configuration: {e}; set or fix that variable there"
        )
    });
    (settings, read)
}

/// A value production would accept for `var`: long enough, and different per variable.
fn real_secret(var: &str) -> String {
    format!("production-value-for-{var}-0123456789abcdef0123456789")
}

#[test]
fn the_services_config_parser_accepts_the_compose_environment() {
    compose_settings();
}

#[test]
fn the_compose_file_sets_no_variable_the_service_does_not_read() {
    let (_, read) = compose_settings();
    checks::every_variable_is_read(&Compose::load(), SERVICE, &read, &["RUST_LOG"]);
}

#[test]
fn production_refuses_each_development_secret_of_the_compose_file() {
    compose_settings();
    let compose = Compose::load();
    checks::secrets_are_marked_as_development_ones(&compose, SERVICE, DEVELOPMENT_SECRET_PREFIX);
    let mut env = compose.container_environment(SERVICE);
    env.insert("APP_ENV".into(), "production".into());
    let dev_secrets = checks::development_secrets(&env, DEVELOPMENT_SECRET_PREFIX);
    for required in REQUIRED_SECRETS {
        assert!(
            dev_secrets.iter().any(|s| s == required),
            "docker-compose.yml: services.{SERVICE}.environment.{required} should be a \
             `{DEVELOPMENT_SECRET_PREFIX}` secret, found {dev_secrets:?}"
        );
    }

    // Each one on its own, the others replaced by real secrets, is refused by name.
    for refused in &dev_secrets {
        let mut env = env.clone();
        for other in dev_secrets.iter().filter(|s| *s != refused) {
            env.insert(other.clone(), real_secret(other));
        }
        let error = parse(&env).0.err().unwrap_or_else(|| {
            panic!(
                "APP_ENV=production accepted the development {refused} of docker-compose.yml \
                 (services.{SERVICE}); the secret must start with `{DEVELOPMENT_SECRET_PREFIX}`"
            )
        });
        assert_eq!(error.var, refused.as_str(), "{error}");
        assert!(error.to_string().contains(refused.as_str()), "{error}");
    }

    // With real secrets in their place, production starts: they were the only obstacle.
    for secret in &dev_secrets {
        env.insert(secret.clone(), real_secret(secret));
    }
    if let Err(e) = parse(&env).0 {
        panic!(
            "docker-compose.yml: with real secrets and APP_ENV=production, services.{SERVICE} \
             is still refused: {e}"
        );
    }
}

#[test]
fn the_port_agrees_in_bind_addr_build_arg_ports_dockerfile_and_spec() {
    let (settings, _) = compose_settings();
    checks::port_agrees_everywhere(&Compose::load(), SERVICE, SPEC_PORT, &settings.bind_addr);
}

#[test]
fn database_url_names_the_compose_postgres_and_a_database_its_init_scripts_create() {
    let (settings, _) = compose_settings();
    checks::database_url_points_at_compose_postgres(
        &Compose::load(),
        SERVICE,
        POSTGRES,
        &settings.database_url,
    );
}

#[test]
fn compose_and_the_dockerfile_healthcheck_with_the_binarys_own_subcommand() {
    let argv = checks::healthchecks_run_the_healthcheck_subcommand(&Compose::load(), SERVICE);
    assert_eq!(argv.last().map(String::as_str), Some("healthcheck"));
}

/// `resource-service healthcheck` as the container runs it: the compose environment, with
/// `BIND_ADDR` moved to `port` (the container's `0.0.0.0`, so it must ask over loopback).
fn run_healthcheck(port: u16) -> Output {
    let mut env = container_env();
    env.insert("BIND_ADDR".into(), format!("0.0.0.0:{port}"));
    Command::new(BINARY)
        .arg("healthcheck")
        .env_clear()
        .envs(&env)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_healthcheck_subcommand_passes_against_a_running_app() {
    let app = spawn_app().await;
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();

    let output = tokio::task::spawn_blocking(move || run_healthcheck(port))
        .await
        .unwrap();

    assert!(
        output.status.success(),
        "`{SERVICE} healthcheck` failed against a running app on port {port}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_healthcheck_subcommand_fails_with_a_message_when_nothing_listens() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let output = run_healthcheck(port);

    assert!(
        !output.status.success(),
        "healthcheck passed with nothing listening on {port}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with(&format!("{SERVICE}: ")), "{stderr:?}");
}

#[test]
fn the_service_waits_for_a_healthy_postgres_and_is_restarted() {
    checks::waits_for_a_healthy_postgres_and_restarts(&Compose::load(), SERVICE, POSTGRES);
}

#[test]
fn the_image_is_built_like_ci_and_runs_as_an_unprivileged_user() {
    assert_eq!(SERVICE, env!("CARGO_PKG_NAME"));
    checks::image_builds_like_ci_and_runs_unprivileged(&Compose::load(), SERVICE);
}

/// Docker sends SIGTERM, waits `stop_grace_period` (10 s when unset), then SIGKILLs: it must wait
/// longer than the service's own SHUTDOWN_TIMEOUT, or in-flight requests are cut off.
#[test]
fn docker_waits_longer_than_the_graceful_shutdown_before_killing() {
    let (settings, _) = compose_settings();
    let written = Compose::load()
        .service(SERVICE)
        .stop_grace_period()
        .unwrap_or_else(|| "10s".to_owned());
    let grace = shared_tokens::duration::parse_duration(&written).unwrap_or_else(|e| {
        panic!("docker-compose.yml: services.{SERVICE}.stop_grace_period {written:?}: {e}")
    });
    assert!(
        grace > settings.shutdown_timeout,
        "docker-compose.yml: services.{SERVICE}.stop_grace_period is {written} but SHUTDOWN_TIMEOUT \
         is {:?}; set stop_grace_period above it",
        settings.shutdown_timeout
    );
}
