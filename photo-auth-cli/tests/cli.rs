//! `photo-auth` run as a process against the real services, as a user would: log in, upload two
//! files, list them, revoke the session, and the next call fails with the documented exit code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use photo_auth_client::Client;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::Services;

/// Exit codes of docs/CLI.md.
const LOGIN_NEEDED: i32 = 3;
const BAD_CREDENTIALS: i32 = 4;

async fn spawn_services() -> Services {
    Services::start(|_| {}).await
}

/// Runs `photo-auth ARGS` against the services with `stdin`.
async fn photo_auth(services: &Services, config: &Path, args: &[&str], stdin: &str) -> Output {
    support::run(config, services.urls(), args, stdin).await
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn png_file(dir: &Path, name: &str, width: u32) -> PathBuf {
    let pixels = vec![90u8; (width * 8 * 3) as usize];
    let path = dir.join(name);
    image::save_buffer(&path, &pixels, width, 8, image::ExtendedColorType::Rgb8).unwrap();
    path
}

#[actix_web::test]
async fn log_in_upload_list_revoke_and_the_next_call_asks_for_a_login() {
    let services = spawn_services().await;
    let password = "correct horse battery";
    Client::new(&services.auth_url, &services.api_url)
        .unwrap()
        .register("dora", "dora@example.com", "Dora", password)
        .await
        .unwrap();
    let config = tempfile::tempdir().unwrap();
    let config = config.path();

    let wrong = photo_auth(
        &services,
        config,
        &["login", "dora", "--password-stdin"],
        "nope\n",
    );
    assert_eq!(wrong.await.status.code(), Some(BAD_CREDENTIALS));
    let login = photo_auth(
        &services,
        config,
        &["login", "dora", "--password-stdin"],
        password,
    );
    let login = login.await;
    assert!(login.status.success(), "{login:?}");
    assert_eq!(
        String::from_utf8_lossy(&login.stdout).trim(),
        "logged in as dora"
    );
    // The session file is the user's alone.
    let session = config.join("session.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&session).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let files = tempfile::tempdir().unwrap();
    let (a, b) = (
        png_file(files.path(), "a.png", 40),
        png_file(files.path(), "b.png", 50),
    );
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let upload = photo_auth(&services, config, &["--json", "photos", "upload", a, b], "").await;
    let uploaded = json(&upload);
    assert_eq!(uploaded.as_array().unwrap().len(), 2);

    let listed = json(
        &photo_auth(
            &services,
            config,
            &["--json", "photos", "ls", "--owner", "me"],
            "",
        )
        .await,
    );
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            uploaded[1]["id"].as_str().unwrap(),
            uploaded[0]["id"].as_str().unwrap()
        ]
    );
    let text = photo_auth(&services, config, &["photos", "ls", "--owner", "me"], "").await;
    assert_eq!(
        String::from_utf8_lossy(&text.stdout).lines().count(),
        2,
        "{text:?}"
    );

    let sessions = json(&photo_auth(&services, config, &["--json", "sessions", "ls"], "").await);
    let current = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoke = photo_auth(&services, config, &["sessions", "revoke", &current], "").await;
    assert!(revoke.status.success(), "{revoke:?}");

    let after = photo_auth(&services, config, &["whoami"], "").await;
    assert_eq!(after.status.code(), Some(LOGIN_NEEDED), "{after:?}");
    let again = photo_auth(&services, config, &["whoami"], "").await;
    assert_eq!(again.status.code(), Some(LOGIN_NEEDED), "{again:?}");
    assert!(!session.exists(), "the ended session is forgotten");
}

#[test]
fn help_lists_the_commands_and_bad_usage_exits_2() {
    let help = Command::new(env!("CARGO_BIN_EXE_photo-auth"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(help.stdout).unwrap();
    for command in [
        "login", "logout", "whoami", "photos", "sessions", "profile", "password", "email",
    ] {
        assert!(text.contains(command), "{command}: {text}");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_photo-auth"))
        .arg("launch")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
