//! The compose consistency tests of one service, written once for both: `docker-compose.yml` and
//! the `Dockerfile` checked against the service's own config parser and its own binary. A service
//! declares what differs (name, documented port, `Settings`, required secrets, how its test app is
//! spawned) with [`compose_tests!`](crate::compose_tests), which expands to one `#[test]` per check
//! below, named after it; each failure names the service and the file and key to fix.

use super::{checks, Compose, COMPOSE_FILE};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};
use std::time::Duration;

/// The postgres service of the compose file.
pub const POSTGRES: &str = "postgres";
/// Variables the compose file may set that no config parser reads.
const READ_ELSEWHERE: &[&str] = &["RUST_LOG"];

/// Where a config parser reads a variable: the environment, or a map standing in for it.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A configuration the service's parser refused (its `shared_tokens::ConfigError`): the variable,
/// and the whole message.
#[derive(Debug)]
pub struct Refusal {
    pub var: &'static str,
    pub message: String,
}

/// What the compose tests need to know about one service. [`compose_tests!`](crate::compose_tests)
/// fills it in.
pub struct ServiceUnderTest<S> {
    /// Its name: the compose service, the cargo package and the binary.
    pub name: &'static str,
    /// The port docs/API.md gives it.
    pub spec_port: u16,
    /// Its binary (`env!("CARGO_BIN_EXE_<name>")`).
    pub binary: &'static str,
    /// The secrets docs/CONFIGURATION.md marks required for it.
    pub required_secrets: &'static [&'static str],
    /// Its real config parser (`Settings::from_lookup`).
    pub parse: fn(Lookup<'_>) -> Result<S, Refusal>,
    pub bind_addr: fn(&S) -> &str,
    pub database_url: fn(&S) -> &str,
    pub shutdown_timeout: fn(&S) -> Duration,
    /// `shared_tokens::config::DEVELOPMENT_SECRET_PREFIX`: production refuses a secret with it.
    pub development_secret_prefix: &'static str,
    /// `shared_tokens::duration::parse_duration`, the services' own duration syntax.
    pub parse_duration: fn(&str) -> Result<Duration, String>,
}

impl<S> ServiceUnderTest<S> {
    /// What a container of this service starts with: the image's ENV, then compose's `environment`.
    fn container_env(&self) -> BTreeMap<String, String> {
        Compose::load().container_environment(self.name)
    }

    /// The service's real config parser over `env`, and every variable name it looked up.
    fn parse(&self, env: &BTreeMap<String, String>) -> (Result<S, Refusal>, BTreeSet<String>) {
        let read = RefCell::new(BTreeSet::new());
        let settings = (self.parse)(&|name| {
            read.borrow_mut().insert(name.to_owned());
            env.get(name).cloned()
        });
        (settings, read.into_inner())
    }

    /// The settings the service reads from the compose environment, and the variables it looked up.
    fn compose_settings(&self) -> (S, BTreeSet<String>) {
        let service = self.name;
        let (settings, read) = self.parse(&self.container_env());
        let settings = settings.unwrap_or_else(|e| {
            panic!(
                "{COMPOSE_FILE}: services.{service}.environment (over the Dockerfile's ENV) is \
                 refused by {service}'s configuration: {e}; set or fix that variable there",
                e = e.message
            )
        });
        (settings, read)
    }

    pub fn the_services_config_parser_accepts_the_compose_environment(&self) {
        self.compose_settings();
    }

    pub fn the_compose_file_sets_no_variable_the_service_does_not_read(&self) {
        let (_, read) = self.compose_settings();
        checks::every_variable_is_read(&Compose::load(), self.name, &read, READ_ELSEWHERE);
    }

    pub fn production_refuses_each_development_secret_of_the_compose_file(&self) {
        let service = self.name;
        let prefix = self.development_secret_prefix;
        self.compose_settings();
        let compose = Compose::load();
        checks::secrets_are_marked_as_development_ones(&compose, service, prefix);
        let mut env = compose.container_environment(service);
        env.insert("APP_ENV".into(), "production".into());
        // Production also refuses plain-http cookies: a real deployment runs behind TLS.
        env.insert("COOKIE_SECURE".into(), "true".into());
        let dev_secrets = checks::development_secrets(&env, prefix);
        for required in self.required_secrets {
            assert!(
                dev_secrets.iter().any(|s| s == required),
                "{COMPOSE_FILE}: services.{service}.environment.{required} should be a \
                 `{prefix}` secret, found {dev_secrets:?}"
            );
        }

        // Each one on its own, the others replaced by real secrets, is refused by name.
        for refused in &dev_secrets {
            let mut env = env.clone();
            for other in dev_secrets.iter().filter(|s| *s != refused) {
                env.insert(other.clone(), real_secret(other));
            }
            let error = self.parse(&env).0.err().unwrap_or_else(|| {
                panic!(
                    "APP_ENV=production accepted the development {refused} of {COMPOSE_FILE} \
                     (services.{service}); the secret must start with `{prefix}`"
                )
            });
            let message = &error.message;
            assert_eq!(error.var, refused.as_str(), "{message}");
            assert!(message.contains(refused.as_str()), "{message}");
        }

        // With real secrets in their place, production starts: they were the only obstacle.
        for secret in &dev_secrets {
            env.insert(secret.clone(), real_secret(secret));
        }
        if let Err(e) = self.parse(&env).0 {
            panic!(
                "{COMPOSE_FILE}: with real secrets and APP_ENV=production, services.{service} \
                 is still refused: {e}",
                e = e.message
            );
        }
    }

    pub fn the_port_agrees_in_bind_addr_build_arg_ports_dockerfile_and_spec(&self) {
        let (settings, _) = self.compose_settings();
        let bind_addr = (self.bind_addr)(&settings);
        checks::port_agrees_everywhere(&Compose::load(), self.name, self.spec_port, bind_addr);
    }

    pub fn database_url_names_the_compose_postgres_and_a_database_its_init_scripts_create(&self) {
        let (settings, _) = self.compose_settings();
        checks::database_url_points_at_compose_postgres(
            &Compose::load(),
            self.name,
            POSTGRES,
            (self.database_url)(&settings),
        );
    }

    pub fn compose_and_the_dockerfile_healthcheck_with_the_binarys_own_subcommand(&self) {
        let argv = checks::healthchecks_run_the_healthcheck_subcommand(&Compose::load(), self.name);
        assert_eq!(argv.last().map(String::as_str), Some("healthcheck"));
    }

    /// `<service> healthcheck` as the container runs it: the compose environment, with
    /// `BIND_ADDR` moved to `port` (the container's `0.0.0.0`, so it must ask over loopback).
    fn healthcheck_command(&self, port: u16) -> Command {
        let mut env = self.container_env();
        env.insert("BIND_ADDR".into(), format!("0.0.0.0:{port}"));
        let mut command = Command::new(self.binary);
        command
            .arg("healthcheck")
            .env_clear()
            .envs(&env)
            .current_dir(std::env::temp_dir());
        command
    }

    /// `port` is where the test's running app listens; the caller keeps the app alive.
    pub async fn the_healthcheck_subcommand_passes_against_a_running_app(&self, port: u16) {
        let service = self.name;
        let mut command = self.healthcheck_command(port);

        // Off the runtime's thread: the app answering the healthcheck runs on it.
        let output: Output = actix_web::rt::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .unwrap();

        assert!(
            output.status.success(),
            "`{service} healthcheck` failed against a running app on port {port}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    pub fn the_healthcheck_subcommand_fails_with_a_message_when_nothing_listens(&self) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();

        let output = self.healthcheck_command(port).output().unwrap();

        assert!(
            !output.status.success(),
            "healthcheck passed with nothing listening on {port}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!("{}: ", self.name)),
            "{stderr:?}"
        );
    }

    pub fn the_service_waits_for_a_healthy_postgres_and_is_restarted(&self) {
        checks::waits_for_a_healthy_postgres_and_restarts(&Compose::load(), self.name, POSTGRES);
    }

    /// `package` is the cargo package of the calling tests (`env!("CARGO_PKG_NAME")`).
    pub fn the_image_is_built_like_ci_and_runs_as_an_unprivileged_user(&self, package: &str) {
        assert_eq!(self.name, package);
        checks::image_builds_like_ci_and_runs_unprivileged(&Compose::load(), self.name);
    }

    /// Docker sends SIGTERM, waits `stop_grace_period` (10 s when unset), then SIGKILLs: it must
    /// wait longer than the service's own SHUTDOWN_TIMEOUT, or in-flight requests are cut off.
    pub fn docker_waits_longer_than_the_graceful_shutdown_before_killing(&self) {
        let service = self.name;
        let (settings, _) = self.compose_settings();
        let shutdown_timeout = (self.shutdown_timeout)(&settings);
        let written = Compose::load()
            .service(service)
            .stop_grace_period()
            .unwrap_or_else(|| "10s".to_owned());
        let grace = (self.parse_duration)(&written).unwrap_or_else(|e| {
            panic!("{COMPOSE_FILE}: services.{service}.stop_grace_period {written:?}: {e}")
        });
        assert!(
            grace > shutdown_timeout,
            "{COMPOSE_FILE}: services.{service}.stop_grace_period is {written} but \
             SHUTDOWN_TIMEOUT is {shutdown_timeout:?}; set stop_grace_period above it"
        );
    }
}

/// A value production would accept for `var`: long enough, and different per variable.
fn real_secret(var: &str) -> String {
    format!("production-value-for-{var}-0123456789abcdef0123456789")
}

/// The compose consistency tests of one service, as `#[test]` functions of the calling module (a
/// service's `tests/api/compose.rs`), one per check of [`ServiceUnderTest`] and named after it:
///
/// ```text
/// test_support::compose_tests! {
///     service: "auth-service",
///     spec_port: 8080,
///     settings: auth_service::config::Settings,
///     required_secrets: ["ACCESS_TOKEN_SECRET", "REFRESH_TOKEN_SECRET"],
///     spawn_app: crate::helpers::spawn_app,
///     app_port: |app| app.port,
///     runtime: actix_web::test,
/// }
/// ```
///
/// `settings` is the service's config type: `from_lookup` returning a `shared_tokens::ConfigError`,
/// and the fields `bind_addr`, `database_url` (a `secrecy::SecretString`) and `shutdown_timeout`.
/// The calling crate depends on `shared_tokens` and `secrecy` (test-support does not). The binary is `env!("CARGO_BIN_EXE_<service>")`.
/// `spawn_app` starts the test app the healthcheck subcommand is run against, on the async test
/// `runtime`; `app_port` reads its port from it.
#[macro_export]
macro_rules! compose_tests {
    (
        service: $service:literal,
        spec_port: $spec_port:expr,
        settings: $settings:ty,
        required_secrets: [$($secret:literal),* $(,)?],
        spawn_app: $spawn_app:path,
        app_port: |$app:ident| $app_port:expr,
        runtime: $runtime:meta $(,)?
    ) => {
        const SERVICE: $crate::compose::suite::ServiceUnderTest<$settings> =
            $crate::compose::suite::ServiceUnderTest {
                name: $service,
                spec_port: $spec_port,
                binary: env!(concat!("CARGO_BIN_EXE_", $service)),
                required_secrets: &[$($secret),*],
                parse: |lookup| {
                    <$settings>::from_lookup(lookup).map_err(|e| $crate::compose::suite::Refusal {
                        var: e.var,
                        message: e.to_string(),
                    })
                },
                bind_addr: |settings| &settings.bind_addr,
                database_url: |settings| ::secrecy::ExposeSecret::expose_secret(&settings.database_url),
                shutdown_timeout: |settings| settings.shutdown_timeout,
                development_secret_prefix: ::shared_tokens::config::DEVELOPMENT_SECRET_PREFIX,
                parse_duration: ::shared_tokens::duration::parse_duration,
            };

        #[test]
        fn the_services_config_parser_accepts_the_compose_environment() {
            SERVICE.the_services_config_parser_accepts_the_compose_environment();
        }

        #[test]
        fn the_compose_file_sets_no_variable_the_service_does_not_read() {
            SERVICE.the_compose_file_sets_no_variable_the_service_does_not_read();
        }

        #[test]
        fn production_refuses_each_development_secret_of_the_compose_file() {
            SERVICE.production_refuses_each_development_secret_of_the_compose_file();
        }

        #[test]
        fn the_port_agrees_in_bind_addr_build_arg_ports_dockerfile_and_spec() {
            SERVICE.the_port_agrees_in_bind_addr_build_arg_ports_dockerfile_and_spec();
        }

        #[test]
        fn database_url_names_the_compose_postgres_and_a_database_its_init_scripts_create() {
            SERVICE
                .database_url_names_the_compose_postgres_and_a_database_its_init_scripts_create();
        }

        #[test]
        fn compose_and_the_dockerfile_healthcheck_with_the_binarys_own_subcommand() {
            SERVICE.compose_and_the_dockerfile_healthcheck_with_the_binarys_own_subcommand();
        }

        #[$runtime]
        async fn the_healthcheck_subcommand_passes_against_a_running_app() {
            let $app = $spawn_app().await;
            let port: u16 = $app_port;
            SERVICE
                .the_healthcheck_subcommand_passes_against_a_running_app(port)
                .await;
        }

        #[test]
        fn the_healthcheck_subcommand_fails_with_a_message_when_nothing_listens() {
            SERVICE.the_healthcheck_subcommand_fails_with_a_message_when_nothing_listens();
        }

        #[test]
        fn the_service_waits_for_a_healthy_postgres_and_is_restarted() {
            SERVICE.the_service_waits_for_a_healthy_postgres_and_is_restarted();
        }

        #[test]
        fn the_image_is_built_like_ci_and_runs_as_an_unprivileged_user() {
            SERVICE.the_image_is_built_like_ci_and_runs_as_an_unprivileged_user(env!(
                "CARGO_PKG_NAME"
            ));
        }

        #[test]
        fn docker_waits_longer_than_the_graceful_shutdown_before_killing() {
            SERVICE.docker_waits_longer_than_the_graceful_shutdown_before_killing();
        }
    };
}
