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
