//! `photo-auth` keeps the servers' addresses with the session and sends it to no other: a
//! stand-in server on 127.0.0.1 named by a flag or the environment records every request it
//! receives, and none carries the session's tokens (docs/CLI.md, Settings).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use photo_auth_client::Client;
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use support::{read_request, Services};

/// Exit codes of docs/CLI.md.
const USAGE: i32 = 2;
const LOGIN_NEEDED: i32 = 3;

const PASSWORD: &str = "correct horse battery";

async fn spawn_services() -> Services {
    Services::start(|_| {}).await
}

/// A stand-in server: it keeps each request whole and answers each with 200 and a user.
struct Recorder {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&seen);
        std::thread::spawn(move || {
            let user = r#"{"id":"00000000-0000-0000-0000-000000000000","username":"dora",
                "email":"dora@example.com","full_name":"Dora","roles":["user"],
                "created_at":"2024-01-01T00:00:00Z","email_verified":true}"#;
            for mut stream in listener.incoming().flatten() {
                kept.lock().unwrap().push(read_request(&mut stream));
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{user}",
                    user.len()
                );
            }
        });
        Self { url, seen }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// Runs `photo-auth ARGS` with the addresses in its environment and `stdin`, off the runtime
/// that serves the services.
async fn photo_auth(config: &Path, urls: (&str, &str), args: &[&str], stdin: &str) -> Output {
    support::run(config, urls, args, stdin).await
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// dora, registered and logged in by `photo-auth login` with `config`.
async fn logged_in(services: &Services, config: &Path) {
    Client::new(&services.auth_url, &services.api_url)
        .unwrap()
        .register("dora", "dora@example.com", "Dora", PASSWORD)
        .await
        .unwrap();
    let urls = (services.auth_url.as_str(), services.api_url.as_str());
    let login = photo_auth(
        config,
        urls,
        &["login", "dora", "--password-stdin"],
        PASSWORD,
    )
    .await;
    assert!(login.status.success(), "{login:?}");
}

fn session_file(config: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(config.join("session.json")).unwrap()).unwrap()
}

#[actix_web::test]
async fn a_kept_session_is_not_sent_to_another_server_named_by_a_flag_or_the_environment() {
    let services = spawn_services().await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    logged_in(&services, config).await;
    let kept = session_file(config);
    assert_eq!(kept["auth_url"], services.auth_url.as_str());
    assert_eq!(kept["api_url"], services.api_url.as_str());
    let tokens = [
        kept["access_token"].as_str().unwrap(),
        kept["refresh_token"].as_str().unwrap(),
    ];

    let evil = Recorder::start();
    let (auth, api, evil_url) = (&*services.auth_url, &*services.api_url, &*evil.url);
    let prefixed = format!("{auth}/v1");
    let secure = auth.replace("http://", "https://");
    let refused: [((&str, &str), &[&str]); 10] = [
        ((auth, api), &["--auth-url", evil_url, "whoami"]),
        ((evil_url, api), &["whoami"]),
        ((evil_url, api), &["logout"]),
        ((evil_url, api), &["logout", "--all"]),
        ((evil_url, api), &["sessions", "ls"]),
        ((evil_url, api), &["email", "resend"]),
        ((auth, evil_url), &["photos", "ls"]),
        ((auth, api), &["--api-url", evil_url, "profile", "show"]),
        ((&prefixed, api), &["whoami"]),
        ((&secure, api), &["whoami"]),
    ];
    for (urls, args) in refused {
        let output = photo_auth(config, urls, args, "").await;
        assert_eq!(output.status.code(), Some(USAGE), "{args:?}: {output:?}");
        let said = stderr(&output);
        assert!(said.contains("not sent to this one"), "{said}");
        assert!(said.contains("photo-auth login"), "{said}");
    }
    // A link's token goes where it is told; the session is not renewed there.
    let link_token = "A".repeat(43);
    let verify = photo_auth(
        config,
        (evil_url, api),
        &["email", "verify", &link_token],
        "",
    )
    .await;
    assert!(verify.status.success(), "{verify:?}");

    let received = evil.requests();
    for token in tokens {
        assert!(
            received.iter().all(|request| !request.contains(token)),
            "{received:#?}"
        );
    }
    assert_eq!(received.len(), 1, "{received:#?}");
    assert!(received[0].starts_with("POST /auth/email/verify "));

    // The same servers spelled otherwise are the session's.
    let shouted = (
        format!("{}/", auth.replace("http://", "HTTP://")),
        format!("{api}/"),
    );
    let whoami = photo_auth(config, (&shouted.0, &shouted.1), &["whoami"], "").await;
    assert!(whoami.status.success(), "{whoami:?}");
    assert!(String::from_utf8_lossy(&whoami.stdout).starts_with("dora <"));
}

#[actix_web::test]
async fn a_session_kept_by_an_older_photo_auth_goes_nowhere_until_the_next_login() {
    let services = spawn_services().await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    logged_in(&services, config).await;
    let mut older = session_file(config);
    let object = older.as_object_mut().unwrap();
    object.remove("auth_url");
    object.remove("api_url");
    std::fs::write(config.join("session.json"), older.to_string()).unwrap();

    let evil = Recorder::start();
    let urls = (services.auth_url.as_str(), services.api_url.as_str());
    for urls in [urls, (&evil.url, &evil.url)] {
        for args in [&["whoami"][..], &["logout"]] {
            let output = photo_auth(config, urls, args, "").await;
            assert_eq!(output.status.code(), Some(LOGIN_NEEDED), "{output:?}");
            assert!(stderr(&output).contains("older photo-auth"), "{output:?}");
        }
    }
    assert_eq!(evil.requests(), Vec::<String>::new());

    let login = photo_auth(
        config,
        urls,
        &["login", "dora", "--password-stdin"],
        PASSWORD,
    )
    .await;
    assert!(login.status.success(), "{login:?}");
    let whoami = photo_auth(config, urls, &["whoami"], "").await;
    assert!(whoami.status.success(), "{whoami:?}");
}
