//! The binary's command line: help and version with no configuration at all, exit 2 for bad
//! usage or configuration.

use crate::shutdown::BINARY;
use std::process::Command;

fn binary() -> Command {
    let mut command = Command::new(BINARY);
    command.env_clear().current_dir(std::env::temp_dir());
    command
}

#[test]
fn help_and_version_need_no_configuration_and_bad_usage_exits_2() {
    for flag in ["--help", "--version"] {
        let output = binary().arg(flag).output().unwrap();
        assert!(output.status.success(), "{flag}: {output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("resource-service"), "{flag}: {stdout}");
    }
    let output = binary().arg("launch").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let output = binary().output().unwrap();
    assert_eq!(output.status.code(), Some(2), "no DATABASE_URL: {output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
}

#[test]
fn in_eddsa_mode_a_private_key_or_a_shared_secret_stops_the_start_in_one_line() {
    let key = shared_tokens::ed25519::PrivateKey::generate().unwrap();
    let private = key.to_pem().unwrap();
    let public = key.public().to_pem();
    let secret = "a-shared-access-secret-0123456789abcdef";
    for (var, value) in [
        ("ACCESS_TOKEN_PRIVATE_KEY", private.as_str()),
        ("ACCESS_TOKEN_SECRET", secret),
    ] {
        let output = binary()
            .env("DATABASE_URL", "postgres://127.0.0.1:1/unused")
            .env("ACCESS_TOKEN_ALG", "EdDSA")
            .env("ACCESS_TOKEN_PUBLIC_KEYS", &public)
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{var}: {output:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{var}: {stderr}");
        assert!(lines[0].contains(var), "{var}: {stderr}");
        let key_line = private.lines().nth(1).unwrap();
        assert!(
            !stderr.contains(key_line) && !stderr.contains(secret),
            "{stderr}"
        );
    }
}
