//! The services, the `photo-auth` process and the mailed links every test of this binary uses.

pub(crate) use crate::support::Services;
use photo_auth_client::Client;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// Exit codes of docs/CLI.md.
pub(crate) const USAGE: i32 = 2;
pub(crate) const LOGIN_NEEDED: i32 = 3;
pub(crate) const REFUSED: i32 = 7;
pub(crate) const LINK_INVALID: i32 = 8;

pub(crate) const PASSWORD: &str = "correct horse battery";

/// Both services; resource-service takes uploads from verified addresses only.
pub(crate) async fn spawn_services() -> Services {
    Services::start(|vars| {
        vars.insert("REQUIRE_VERIFIED_EMAIL".into(), "true".into());
    })
    .await
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
    crate::support::run(config, services.urls(), args, stdin).await
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
