//! The checks both services make on their block of `docker-compose.yml` and on the image the
//! `Dockerfile` builds for them. Each panics with a message that says what drifted and which file
//! to fix. What needs the service itself (its own config parser, its own binary) lives in
//! [`suite`](super::suite), which calls these.

use super::{databases_created_by_sql_in, read_workspace_file, workspace_root};
use super::{Compose, HealthTest, PostgresUrl, COMPOSE_FILE};
use std::collections::{BTreeMap, BTreeSet};

/// The container path the official postgres image runs init scripts from.
pub const POSTGRES_INIT_DIR: &str = "/docker-entrypoint-initdb.d";
/// The command the README gives and `.ci/run` runs.
pub const CI_TEST_COMMAND: &str = "cargo test --workspace --locked";

/// `host:port` or `[v6]:port` split in two.
pub fn split_host_port(addr: &str) -> Option<(String, u16)> {
    let (host, port) = addr.trim().rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((host.to_owned(), port.parse().ok()?))
}

/// Variables of the environment whose value is (or, for a comma-separated list, contains) a
/// secret marked as a development one.
pub fn development_secrets(env: &BTreeMap<String, String>, prefix: &str) -> Vec<String> {
    env.iter()
        .filter(|(_, value)| value.split(',').any(|s| s.trim().starts_with(prefix)))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Every `*_SECRET` / `*_SECRETS` variable the compose file sets for `service` carries `prefix`,
/// so `APP_ENV=production` refuses it.
pub fn secrets_are_marked_as_development_ones(compose: &Compose, service: &str, prefix: &str) {
    for (name, value) in compose.service(service).environment() {
        if !(name.ends_with("_SECRET") || name.ends_with("_SECRETS")) {
            continue;
        }
        for secret in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            assert!(
                secret.starts_with(prefix),
                "{COMPOSE_FILE}: services.{service}.environment.{name} has a secret without the \
                 `{prefix}` prefix; a secret committed to the repository must start with it so \
                 that APP_ENV=production refuses it"
            );
        }
    }
}

/// The compose file sets nothing that the service does not read: a misspelt optional variable
/// would otherwise be ignored without a word. `read` is every name the service's config parser
/// looked up; `also_read` names read elsewhere (e.g. `RUST_LOG` by env_logger).
pub fn every_variable_is_read(
    compose: &Compose,
    service: &str,
    read: &BTreeSet<String>,
    also_read: &[&str],
) {
    let unread: Vec<String> = compose
        .service(service)
        .environment()
        .into_keys()
        .filter(|name| !read.contains(name) && !also_read.contains(&name.as_str()))
        .collect();
    assert!(
        unread.is_empty(),
        "{COMPOSE_FILE}: services.{service}.environment sets {unread:?}, which {service} never \
         reads (a typo, or a variable the service dropped); fix or remove it there"
    );
}

/// `BIND_ADDR`'s port (as the service's parser read it, `bind_addr`) == the build arg `PORT` ==
/// the container side of `ports` == the documented port, the host side matches the README's
/// walkthrough, and the Dockerfile exposes `PORT` and sets `BIND_ADDR` from it.
pub fn port_agrees_everywhere(compose: &Compose, service: &str, spec_port: u16, bind_addr: &str) {
    let block = compose.service(service);
    let (host, port) = split_host_port(bind_addr).unwrap_or_else(|| {
        panic!("{service} read BIND_ADDR={bind_addr:?}, which is not host:port")
    });
    assert_eq!(
        port, spec_port,
        "{COMPOSE_FILE}: services.{service} listens on {port} (BIND_ADDR={bind_addr}, from its \
         environment or the Dockerfile's ENV), but docs/API.md gives {spec_port}; fix \
         BIND_ADDR there"
    );
    assert!(
        matches!(host.as_str(), "0.0.0.0" | "::"),
        "{COMPOSE_FILE}: services.{service} binds {host} (BIND_ADDR={bind_addr}); inside a \
         container only 0.0.0.0 (or [::]) is reachable through `ports`"
    );

    let args = block.build_args();
    assert_eq!(
        args.get("PORT").map(String::as_str),
        Some(spec_port.to_string().as_str()),
        "{COMPOSE_FILE}: services.{service}.build.args.PORT must be \"{spec_port}\" (the image's \
         EXPOSE and default BIND_ADDR come from it)"
    );

    let ports = block.ports();
    assert_eq!(
        ports.len(),
        1,
        "{COMPOSE_FILE}: services.{service}.ports should publish exactly the service's port, \
         found {ports:?}"
    );
    assert_eq!(
        ports[0].target, spec_port,
        "{COMPOSE_FILE}: services.{service}.ports maps to container port {}, but the service \
         listens on {spec_port}; fix the right-hand side of \"{spec_port}:{spec_port}\"",
        ports[0].target
    );
    assert_eq!(
        ports[0].published,
        Some(spec_port),
        "{COMPOSE_FILE}: services.{service}.ports publishes host port {:?}; the README's \
         walkthrough calls localhost:{spec_port}",
        ports[0].published
    );

    let dockerfile = block.dockerfile();
    let image = dockerfile.image(&args);
    let exposes = |image: &super::Image, port: u16| {
        image
            .exposed
            .iter()
            .any(|e| e == &port.to_string() || e == &format!("{port}/tcp"))
    };
    assert!(
        exposes(&image, spec_port),
        "{}: built with PORT={spec_port} the image exposes {:?}, not {spec_port}; it should say \
         `EXPOSE ${{PORT}}` after `ARG PORT` in the final stage",
        dockerfile.path().display(),
        image.exposed
    );
    let image_port = image
        .env
        .get("BIND_ADDR")
        .and_then(|addr| split_host_port(addr))
        .map(|(_, port)| port);
    assert_eq!(
        image_port,
        Some(spec_port),
        "{}: built with PORT={spec_port} the image's ENV BIND_ADDR is {:?}; it should be \
         `0.0.0.0:${{PORT}}`",
        dockerfile.path().display(),
        image.env.get("BIND_ADDR")
    );
    // Both come from PORT, not from a number that happens to match this service.
    let mut other_args = args.clone();
    other_args.insert("PORT".into(), "1".into());
    let other = dockerfile.image(&other_args);
    assert!(
        exposes(&other, 1) && other.env.get("BIND_ADDR").map(String::as_str) == Some("0.0.0.0:1"),
        "{}: EXPOSE and ENV BIND_ADDR must follow the build arg PORT (one Dockerfile builds both \
         services); with PORT=1 they are {:?} and {:?}",
        dockerfile.path().display(),
        other.exposed,
        other.env.get("BIND_ADDR")
    );
}

/// `DATABASE_URL` points at the compose postgres service by its name, with its user and password,
/// at a database its init scripts create, and no other service uses that database.
pub fn database_url_points_at_compose_postgres(
    compose: &Compose,
    service: &str,
    postgres: &str,
    database_url: &str,
) {
    let url = PostgresUrl::parse(database_url).unwrap_or_else(|e| {
        panic!("{COMPOSE_FILE}: services.{service}.environment.DATABASE_URL: {e}")
    });
    let pg = compose.service(postgres);
    assert!(
        pg.image()
            .is_some_and(|image| image.starts_with("postgres:")),
        "{COMPOSE_FILE}: services.{postgres} should run the official postgres image (its init \
         directory and POSTGRES_* variables are what these checks rely on), found {:?}",
        pg.image()
    );
    assert_eq!(
        url.host, postgres,
        "{COMPOSE_FILE}: services.{service}.environment.DATABASE_URL points at host {:?}; \
         inside compose it must name the postgres service, `{postgres}`",
        url.host
    );
    let pg_env = pg.environment();
    let pg_port = pg_env
        .get("PGPORT")
        .map(|p| p.parse::<u16>().unwrap_or(0))
        .unwrap_or(5432);
    assert_eq!(
        url.port.unwrap_or(5432),
        pg_port,
        "{COMPOSE_FILE}: services.{service}.environment.DATABASE_URL uses port {:?}, but \
         services.{postgres} listens on {pg_port}",
        url.port
    );
    let pg_user = pg_env
        .get("POSTGRES_USER")
        .cloned()
        .unwrap_or_else(|| "postgres".to_owned());
    assert_eq!(
        url.user, pg_user,
        "{COMPOSE_FILE}: services.{service}.environment.DATABASE_URL connects as {:?}, but \
         services.{postgres}.environment.POSTGRES_USER is {pg_user:?}",
        url.user
    );
    assert_eq!(
        url.password.as_ref(),
        pg_env.get("POSTGRES_PASSWORD"),
        "{COMPOSE_FILE}: the password in services.{service}.environment.DATABASE_URL differs \
         from services.{postgres}.environment.POSTGRES_PASSWORD"
    );

    let init_dir = pg.bind_mount_at(POSTGRES_INIT_DIR).unwrap_or_else(|| {
        panic!(
            "{COMPOSE_FILE}: services.{postgres}.volumes mounts no directory at \
             {POSTGRES_INIT_DIR}, so nothing creates the services' databases"
        )
    });
    let created = databases_created_by_sql_in(&init_dir);
    assert!(
        created.contains(&url.database),
        "{COMPOSE_FILE}: services.{service}.environment.DATABASE_URL names database {:?}, but \
         the init scripts in {} create only {created:?}; add `CREATE DATABASE {};` there or fix \
         the URL",
        url.database,
        init_dir.display(),
        url.database
    );

    for other in compose.service_names() {
        if other == service {
            continue;
        }
        let Some(other_url) = compose.service(&other).environment().remove("DATABASE_URL") else {
            continue;
        };
        let other_db = PostgresUrl::parse(&other_url).map(|u| (u.host, u.database));
        assert_ne!(
            other_db,
            Ok((url.host.clone(), url.database.clone())),
            "{COMPOSE_FILE}: services.{service} and services.{other} share database {:?}; \
             docs/CONFIGURATION.md gives each service its own",
            url.database
        );
    }
}

/// The compose healthcheck and the Dockerfile's `HEALTHCHECK` both run `<binary> healthcheck`
/// in exec form (the runtime image has no shell tools like curl), and `<binary>` is what the
/// image's `ENTRYPOINT` runs, copied in from the build stage. Returns that argv.
pub fn healthchecks_run_the_healthcheck_subcommand(
    compose: &Compose,
    service: &str,
) -> Vec<String> {
    let block = compose.service(service);
    let dockerfile = block.dockerfile();
    let image = dockerfile.image(&block.build_args());
    let file = dockerfile.path().display().to_string();
    let binary = match &image.entrypoint {
        Some(HealthTest::Exec(argv)) if !argv.is_empty() => argv[0].clone(),
        other => panic!(
            "{file}: the final stage's ENTRYPOINT should be the service binary in exec form \
             (`ENTRYPOINT [\"/usr/local/bin/service\"]`), found {other:?}"
        ),
    };
    assert!(
        image
            .copies
            .iter()
            .any(|copy| copy.destination == binary && copy.from.is_some()),
        "{file}: the final stage runs {binary}, but no `COPY --from=<build stage>` puts it there"
    );
    let expected = vec![binary.clone(), "healthcheck".to_owned()];

    let compose_check = block.healthcheck().unwrap_or_else(|| {
        panic!(
            "{COMPOSE_FILE}: services.{service} has no healthcheck; add `test: [\"CMD\", \
             \"{binary}\", \"healthcheck\"]`"
        )
    });
    assert_eq!(
        compose_check.test,
        HealthTest::Exec(expected.clone()),
        "{COMPOSE_FILE}: services.{service}.healthcheck.test should be [\"CMD\", \"{binary}\", \
         \"healthcheck\"]: exec form, no shell, the binary's own subcommand"
    );
    let image_check = image.healthcheck.unwrap_or_else(|| {
        panic!(
            "{file}: the final stage has no HEALTHCHECK (`docker run` without compose gets none)"
        )
    });
    assert_eq!(
        image_check.test,
        HealthTest::Exec(expected.clone()),
        "{file}: HEALTHCHECK should be `CMD [\"{binary}\", \"healthcheck\"]`, the same command \
         as {COMPOSE_FILE}'s healthcheck"
    );
    expected
}

/// The service starts only once postgres is healthy, postgres has a healthcheck that can only
/// pass after its init scripts ran, and both restart on failure.
pub fn waits_for_a_healthy_postgres_and_restarts(compose: &Compose, service: &str, postgres: &str) {
    let block = compose.service(service);
    assert_eq!(
        block.depends_on().get(postgres).map(String::as_str),
        Some("service_healthy"),
        "{COMPOSE_FILE}: services.{service}.depends_on should be `{postgres}: {{condition: \
         service_healthy}}`, or the service starts before its database exists"
    );
    let pg = compose.service(postgres);
    let check = pg.healthcheck().map(|c| c.test);
    let command = match &check {
        Some(HealthTest::Exec(argv)) => argv.join(" "),
        Some(HealthTest::Shell(command)) => command.clone(),
        _ => panic!(
            "{COMPOSE_FILE}: services.{postgres} has no healthcheck of its own ({check:?}), so \
             `condition: service_healthy` can never be met"
        ),
    };
    assert!(
        command.contains("pg_isready") && command.split_whitespace().any(|w| w == "-h"),
        "{COMPOSE_FILE}: services.{postgres}.healthcheck should run `pg_isready -h 127.0.0.1 \
         ...`: over TCP, because the temporary server that runs the init scripts listens on the \
         socket only, so TCP answers only once the databases exist (found {command:?})"
    );
    for name in [service, postgres] {
        let restart = compose.service(name).restart();
        assert!(
            restart.as_deref().is_some_and(|r| r == "always"
                || r == "unless-stopped"
                || r.starts_with("on-failure")),
            "{COMPOSE_FILE}: services.{name}.restart is {restart:?}; set `unless-stopped` (or \
             always / on-failure) so a crash does not leave the system down"
        );
    }
}

/// The image is built from this workspace by `cargo build --release --locked -p <service>` on a
/// toolchain no older than the workspace's `rust-version` (the same `--locked` as CI's
/// `cargo test --workspace --locked`, which the README gives), and runs as an unprivileged user.
pub fn image_builds_like_ci_and_runs_unprivileged(compose: &Compose, service: &str) {
    let block = compose.service(service);
    let args = block.build_args();
    assert_eq!(
        args.get("SERVICE").map(String::as_str),
        Some(service),
        "{COMPOSE_FILE}: services.{service}.build.args.SERVICE must be `{service}`: the \
         Dockerfile builds and runs the package it names"
    );
    let context = block.build_context();
    assert_eq!(
        context.canonicalize().ok(),
        workspace_root().canonicalize().ok(),
        "{COMPOSE_FILE}: services.{service}.build.context is {}; it must be the workspace root \
         (the Dockerfile copies the whole workspace)",
        context.display()
    );

    let dockerfile = block.dockerfile();
    let file = dockerfile.path().display().to_string();
    let image = dockerfile.image(&args);
    let builder = image
        .copies
        .iter()
        .find_map(|copy| copy.from.clone())
        .unwrap_or_else(|| panic!("{file}: the final stage copies nothing from a build stage"));
    let build = dockerfile.stage_image(&builder, &args);
    let cargo = build
        .runs
        .iter()
        .find(|run| run.contains("cargo build"))
        .unwrap_or_else(|| panic!("{file}: stage `{builder}` runs no `cargo build`"));
    for flag in ["--release", "--locked"] {
        assert!(
            cargo.split_whitespace().any(|w| w == flag),
            "{file}: stage `{builder}` builds with `{cargo}`, without {flag}; CI and the README \
             use `cargo ... --locked`, and the image must build exactly Cargo.lock"
        );
    }
    assert!(
        [
            "-p \"$SERVICE\"",
            "-p $SERVICE",
            "-p \"${SERVICE}\"",
            "-p ${SERVICE}"
        ]
        .iter()
        .any(|p| cargo.contains(p)),
        "{file}: stage `{builder}` should build the package named by the build arg SERVICE \
         (`-p \"$SERVICE\"`), found `{cargo}`"
    );

    let ci = read_workspace_file(".ci/run");
    assert!(
        ci.lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains(CI_TEST_COMMAND)),
        ".ci/run no longer runs `{CI_TEST_COMMAND}`; it must run the README's test command"
    );
    assert!(
        read_workspace_file("README.md").contains(CI_TEST_COMMAND),
        "README.md no longer gives `{CI_TEST_COMMAND}`, the command .ci/run runs"
    );

    let toolchain = build
        .base
        .strip_prefix("rust:")
        .and_then(|tag| tag.split('-').next())
        .and_then(version)
        .unwrap_or_else(|| {
            panic!(
                "{file}: stage `{builder}` should build FROM rust:<version>-..., found {:?}",
                build.base
            )
        });
    let manifest = read_workspace_file("Cargo.toml");
    let msrv = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("rust-version"))
        .and_then(|rest| version(rest.trim_start_matches([' ', '=']).trim_matches([' ', '"'])))
        .unwrap_or_else(|| panic!("Cargo.toml: no workspace rust-version"));
    assert!(
        toolchain >= msrv,
        "{file}: builds on Rust {toolchain:?} (ARG RUST_VERSION), older than the workspace's \
         rust-version {msrv:?} in Cargo.toml; raise RUST_VERSION"
    );

    let user = image.user.clone().unwrap_or_else(|| {
        panic!("{file}: the final stage sets no USER, so the service runs as root")
    });
    let name = user.split(':').next().unwrap_or_default();
    assert!(
        !matches!(name, "root" | "0" | ""),
        "{file}: the final stage runs as USER {user}; it must be an unprivileged user"
    );
    if name.parse::<u32>().is_err() {
        assert!(
            image
                .runs
                .iter()
                .any(|run| (run.contains("useradd") || run.contains("adduser"))
                    && run.split_whitespace().any(|w| w == name)),
            "{file}: the final stage runs as USER {name}, but no RUN in it creates that user"
        );
    }
}

/// `1.95` -> (1, 95); a patch number is ignored.
fn version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_split_for_v4_and_v6() {
        assert_eq!(
            split_host_port("0.0.0.0:8080"),
            Some(("0.0.0.0".into(), 8080))
        );
        assert_eq!(split_host_port("[::]:8081"), Some(("::".into(), 8081)));
        assert_eq!(split_host_port("nonsense"), None);
    }

    #[test]
    fn development_secrets_are_found_in_lists_too() {
        let env = BTreeMap::from([
            ("A".to_owned(), "dev-only-x".to_owned()),
            ("B".to_owned(), "real, dev-only-y".to_owned()),
            ("C".to_owned(), "real".to_owned()),
        ]);
        assert_eq!(development_secrets(&env, "dev-only-"), ["A", "B"]);
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert!(version("1.100").unwrap() > version("1.95").unwrap());
        assert_eq!(version("1.89.0"), Some((1, 89)));
    }
}
