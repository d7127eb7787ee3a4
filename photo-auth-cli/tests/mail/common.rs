//! The services, the `photo-auth` process and the mailed links every test of this binary uses.

use photo_auth_client::Client;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Exit codes of docs/CLI.md.
pub(crate) const USAGE: i32 = 2;
pub(crate) const LOGIN_NEEDED: i32 = 3;
pub(crate) const REFUSED: i32 = 7;
pub(crate) const LINK_INVALID: i32 = 8;

pub(crate) const PASSWORD: &str = "correct horse battery";

pub(crate) struct Services {
    auth_url: String,
    api_url: String,
    /// auth-service's `MAIL_DIR`: one of its own for each test.
    pub(crate) mail: PathBuf,
    _keep: test_harness::Both,
}

/// Both services; resource-service takes uploads from verified addresses only.
pub(crate) async fn spawn_services() -> Services {
    let both = test_harness::start_both(
        |_| {},
        |vars| {
            vars.insert("REQUIRE_VERIFIED_EMAIL".into(), "true".into());
        },
    )
    .await;
    Services {
        auth_url: both.auth.address.clone(),
        api_url: both.resource.address.clone(),
        mail: both.auth.dir.path().to_owned(),
        _keep: both,
    }
}

pub(crate) async fn register(services: &Services, username: &str) {
    Client::new(&services.auth_url, &services.api_url)
        .unwrap()
        .register(
            username,
            &format!("{username}@example.com"),
            "Test User",
            PASSWORD,
        )
        .await
        .unwrap();
}

/// Runs `photo-auth ARGS` with `stdin`, off the runtime that serves the services.
pub(crate) async fn photo_auth(
    services: &Services,
    config: &Path,
    args: &[&str],
    stdin: &str,
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_photo-auth"));
    command
        .env_clear()
        .env("PHOTO_AUTH_AUTH_URL", &services.auth_url)
        .env("PHOTO_AUTH_API_URL", &services.api_url)
        .env("PHOTO_AUTH_CONFIG_DIR", config)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let stdin = stdin.to_owned();
    actix_web::rt::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `route` links (`reset-password`, `verify-email`) mailed to `to`, oldest first, once there
/// are at least `count`; mails are sent in the background, so this waits.
pub(crate) async fn mailed_links(dir: &Path, to: &str, route: &str, count: usize) -> Vec<String> {
    for _ in 0..100 {
        let links = links_in_dir(dir, to, route);
        if links.len() >= count {
            return links;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {count} {route} mails to {to} in {}", dir.display());
}

fn links_in_dir(dir: &Path, to: &str, route: &str) -> Vec<String> {
    let link = format!("http://localhost:3000/#/{route}?");
    test_support::smtp::read_dir(dir)
        .iter()
        .filter(|mail| mail.to == to)
        .filter_map(|mail| mail.link(&link))
        .collect()
}
