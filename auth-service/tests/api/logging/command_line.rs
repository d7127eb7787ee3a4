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
