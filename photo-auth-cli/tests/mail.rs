//! `photo-auth password ...` and `photo-auth email ...` run as a process against the real
//! services, with auth-service writing its mails as `.eml` files: the links are read out of
//! them and handed to the commands whole, as a person would paste them, on the command line or
//! on stdin with `--link-stdin`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use photo_auth_client::Client;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Exit codes of docs/CLI.md.
const USAGE: i32 = 2;
const LOGIN_NEEDED: i32 = 3;
const REFUSED: i32 = 7;
const LINK_INVALID: i32 = 8;

const PASSWORD: &str = "correct horse battery";

struct Services {
    auth_url: String,
    api_url: String,
    /// auth-service's `MAIL_DIR`: one of its own for each test.
    mail: PathBuf,
    _keep: test_harness::Both,
}

/// Both services; resource-service takes uploads from verified addresses only.
async fn spawn_services() -> Services {
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

async fn register(services: &Services, username: &str) {
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
async fn photo_auth(services: &Services, config: &Path, args: &[&str], stdin: &str) -> Output {
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

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `route` links (`reset-password`, `verify-email`) mailed to `to`, oldest first, once there
/// are at least `count`; mails are sent in the background, so this waits.
async fn mailed_links(dir: &Path, to: &str, route: &str, count: usize) -> Vec<String> {
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

fn png_file(dir: &Path) -> PathBuf {
    let pixels = vec![90u8; 40 * 8 * 3];
    let path = dir.join("a.png");
    image::save_buffer(&path, &pixels, 40, 8, image::ExtendedColorType::Rgb8).unwrap();
    path
}

#[actix_web::test]
async fn forgot_answers_alike_a_bad_link_exits_8_and_a_wrong_or_empty_one_2() {
    let services = spawn_services().await;
    register(&services, "erin").await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();

    for email in ["erin@example.com", "nobody@example.com"] {
        let forgot = photo_auth(&services, config, &["password", "forgot", email], "").await;
        assert!(forgot.status.success(), "{forgot:?}");
        assert!(
            stdout(&forgot).starts_with(&format!("If an account uses {email}, ")),
            "{forgot:?}"
        );
    }
    let json = photo_auth(
        &services,
        config,
        &["--json", "password", "forgot", "erin@example.com"],
        "",
    )
    .await;
    let body: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(body["ok"], true, "{json:?}");
    let no_address = photo_auth(&services, config, &["password", "forgot", "erin"], "").await;
    assert_eq!(no_address.status.code(), Some(REFUSED), "{no_address:?}");
    assert!(stderr(&no_address).contains("email: "), "{no_address:?}");

    let unknown = format!(
        "http://localhost:3000/#/reset-password?token={}",
        "A".repeat(43)
    );
    let reset = photo_auth(
        &services,
        config,
        &["password", "reset", &unknown, "--password-stdin"],
        "a brand new password\n",
    )
    .await;
    assert_eq!(reset.status.code(), Some(LINK_INVALID), "{reset:?}");
    assert!(
        stderr(&reset).contains("photo-auth password forgot EMAIL"),
        "{reset:?}"
    );
    let verify = photo_auth(&services, config, &["email", "verify", &"A".repeat(43)], "").await;
    assert_eq!(verify.status.code(), Some(LINK_INVALID), "{verify:?}");
    assert!(
        stderr(&verify).contains("photo-auth email resend"),
        "{verify:?}"
    );
    // A verification link given to `password reset` is bad usage, named as such.
    let swapped = unknown.replace("reset-password", "verify-email");
    let wrong = photo_auth(&services, config, &["password", "reset", &swapped], "").await;
    assert_eq!(wrong.status.code(), Some(USAGE), "{wrong:?}");
    assert!(
        stderr(&wrong).contains("photo-auth email verify"),
        "{wrong:?}"
    );
    let wrong = photo_auth(
        &services,
        config,
        &["password", "reset", "--link-stdin"],
        &swapped,
    )
    .await;
    assert_eq!(wrong.status.code(), Some(USAGE), "{wrong:?}");
    assert!(
        stderr(&wrong).contains("photo-auth email verify"),
        "{wrong:?}"
    );
    for (args, stdin) in [
        (&["email", "verify", "--link-stdin"][..], ""),
        (&["email", "verify", "--link-stdin"], "  \n"),
        (
            &["password", "reset", "--link-stdin", "--password-stdin"],
            "\na brand new password\n",
        ),
    ] {
        let empty = photo_auth(&services, config, args, stdin).await;
        assert_eq!(empty.status.code(), Some(USAGE), "{args:?}: {empty:?}");
        assert!(
            stderr(&empty).contains("--link-stdin: stdin's first line is empty"),
            "{empty:?}"
        );
    }
}

#[actix_web::test]
async fn verify_by_the_mailed_link_and_uploads_are_taken_at_once() {
    let services = spawn_services().await;
    register(&services, "fred").await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();

    let resend = photo_auth(&services, config, &["email", "resend"], "").await;
    assert_eq!(resend.status.code(), Some(LOGIN_NEEDED), "{resend:?}");
    let login = photo_auth(
        &services,
        config,
        &["login", "fred", "--password-stdin"],
        PASSWORD,
    )
    .await;
    assert!(login.status.success(), "{login:?}");
    let whoami = photo_auth(&services, config, &["whoami"], "").await;
    assert!(
        stdout(&whoami).contains("email:   not verified"),
        "{whoami:?}"
    );
    let whoami = photo_auth(&services, config, &["--json", "whoami"], "").await;
    let user: serde_json::Value = serde_json::from_slice(&whoami.stdout).unwrap();
    assert_eq!(user["email_verified"], false, "{whoami:?}");

    let files = tempfile::tempdir().unwrap();
    let png = png_file(files.path());
    let upload = ["photos", "upload", png.to_str().unwrap()];
    let refused = photo_auth(&services, config, &upload, "").await;
    assert_eq!(refused.status.code(), Some(REFUSED), "{refused:?}");
    assert!(
        stderr(&refused).contains("photo-auth email resend"),
        "{refused:?}"
    );

    // The registration's mail, then the one sent again.
    mailed_links(&services.mail, "fred@example.com", "verify-email", 1).await;
    let resend = photo_auth(&services, config, &["email", "resend"], "").await;
    assert!(resend.status.success(), "{resend:?}");
    assert!(
        stdout(&resend).starts_with("A verification link is on its way to fred@example.com."),
        "{resend:?}"
    );
    let links = mailed_links(&services.mail, "fred@example.com", "verify-email", 2).await;

    // The link as stdin's first line, so it is not on the command line.
    let link = links.last().unwrap();
    let verify = photo_auth(
        &services,
        config,
        &["email", "verify", "--link-stdin"],
        &format!("{link}\n"),
    )
    .await;
    assert!(verify.status.success(), "{verify:?}");
    assert_eq!(
        stdout(&verify).trim(),
        "fred@example.com is verified as fred's address."
    );
    let whoami = photo_auth(&services, config, &["whoami"], "").await;
    assert!(stdout(&whoami).contains("email:   verified"), "{whoami:?}");
    // The session was renewed by the verification: its token says so already.
    let upload = photo_auth(&services, config, &upload, "").await;
    assert!(upload.status.success(), "{upload:?}");
    let nothing = photo_auth(&services, config, &["email", "resend"], "").await;
    assert_eq!(nothing.status.code(), Some(REFUSED), "{nothing:?}");
}

#[actix_web::test]
async fn reset_by_the_mailed_link_then_log_in_with_the_new_password() {
    let services = spawn_services().await;
    register(&services, "gail").await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    let login = photo_auth(
        &services,
        config,
        &["login", "gail", "--password-stdin"],
        PASSWORD,
    )
    .await;
    assert!(login.status.success(), "{login:?}");

    let forgot = photo_auth(
        &services,
        config,
        &["password", "forgot", "gail@example.com"],
        "",
    )
    .await;
    assert!(forgot.status.success(), "{forgot:?}");
    let links = mailed_links(&services.mail, "gail@example.com", "reset-password", 1).await;
    let link = &links[0];

    let weak = photo_auth(
        &services,
        config,
        &["password", "reset", link, "--password-stdin"],
        "short\n",
    )
    .await;
    assert_eq!(weak.status.code(), Some(REFUSED), "{weak:?}");
    assert!(stderr(&weak).contains("new_password: "), "{weak:?}");

    // The link on stdin's first line, the new password on its second.
    let new_password = "a much better passphrase";
    let reset = photo_auth(
        &services,
        config,
        &["password", "reset", "--link-stdin", "--password-stdin"],
        &format!("{link}\n{new_password}\n"),
    )
    .await;
    assert!(reset.status.success(), "{reset:?}");
    assert!(stdout(&reset).starts_with("Password changed."), "{reset:?}");

    // Every session ended, the one kept here too.
    let whoami = photo_auth(&services, config, &["whoami"], "").await;
    assert_eq!(whoami.status.code(), Some(LOGIN_NEEDED), "{whoami:?}");
    let again = photo_auth(
        &services,
        config,
        &["password", "reset", link, "--password-stdin"],
        &format!("{new_password}\n"),
    )
    .await;
    assert_eq!(again.status.code(), Some(LINK_INVALID), "{again:?}");
    let login = photo_auth(
        &services,
        config,
        &["login", "gail", "--password-stdin"],
        new_password,
    )
    .await;
    assert!(login.status.success(), "{login:?}");
}
