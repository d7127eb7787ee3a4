//! The binary's command line (docs/OPERATIONS.md, Command line): `--help`, `--version` and
//! `gen-secret` need no configuration, the help names every subcommand, and a wrong command line,
//! or `serve` without configuration, exits 2.

use super::*;

#[actix_web::test]
async fn help_and_version_need_no_configuration_and_bad_usage_exits_2() {
    for flag in ["--help", "--version"] {
        let output = binary(&[]).arg(flag).output().unwrap();
        assert!(output.status.success(), "{flag}: {output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("auth-service"), "{flag}: {stdout}");
    }
    let help = binary(&[]).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for subcommand in ["serve", "healthcheck", "grant-role", "gen-secret"] {
        assert!(
            help.contains(subcommand),
            "{subcommand} missing from:\n{help}"
        );
    }
    for args in [&["launch"][..], &["grant-role", "alice"][..]] {
        let output = binary(&[]).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
    }
    let secret = binary(&[]).arg("gen-secret").output().unwrap();
    assert!(
        secret.status.success(),
        "gen-secret needs no configuration either"
    );
    // Serving without configuration: one line naming the variable, exit 2.
    let output = binary(&[]).arg("serve").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

/// Scripts find the port in the start line (`scripts/api-fuzz.sh` runs with
/// `RUST_LOG=warn,auth_service=info`): it must show under the service's own log target, though
/// service-kit's server builder writes it.
#[actix_web::test]
async fn the_start_line_shows_under_the_services_own_log_target() {
    let db = TestDatabase::create();
    let (running, address) = start_binary(&db, &[("RUST_LOG", "warn,auth_service=info")]).await;
    let port = address.rsplit(':').next().unwrap().to_owned();
    let log = running.stop();
    assert!(
        log.contains(&format!("auth-service listening on port {port}")),
        "{log}"
    );
}
