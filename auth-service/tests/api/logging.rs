//! The real binary: what it writes to its logs, and how it refuses a bad configuration.

use crate::helpers::{
    assert_error, decode_jwt, http_client, refresh_at, Tokens, ACCESS_SECRET, REFRESH_SECRET,
};
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use test_support::TestDatabase;

const BINARY: &str = env!("CARGO_BIN_EXE_auth-service");

/// A directory with no `.env` above it, so only the variables we pass count.
pub(crate) fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("auth-service-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn binary(vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BINARY);
    command.env_clear().current_dir(scratch_dir());
    for (k, v) in vars {
        command.env(k, v);
    }
    command
}

pub(crate) struct Running {
    pub(crate) child: Child,
    pub(crate) log: PathBuf,
}

impl Running {
    /// Stops the process and returns everything it wrote to stdout and stderr.
    pub(crate) fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::read_to_string(&self.log).unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn start_binary(db: &TestDatabase, extra: &[(&str, &str)]) -> (Running, String) {
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let log = scratch_dir().join("auth-service.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut vars = vec![
        ("DATABASE_URL", db.url()),
        ("BIND_ADDR", bind.as_str()),
        ("METRICS_ADDR", "127.0.0.1:0"),
        ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
        ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
        ("BCRYPT_COST", "4"),
        ("RUST_LOG", "debug"),
        ("RATE_LIMIT_PER_IP", "off"),
        ("LOGIN_MAX_FAILURES", "100"),
    ];
    vars.extend_from_slice(extra);
    let child = binary(&vars)
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .spawn()
        .unwrap();
    let mut running = Running { child, log };
    let address = format!("http://{bind}");
    let client = http_client();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = client.get(format!("{address}/healthz")).send().await {
            if response.status() == StatusCode::OK {
                break;
            }
        }
        if let Ok(Some(status)) = running.child.try_wait() {
            panic!(
                "auth-service exited with {status}: {}",
                std::fs::read_to_string(&running.log).unwrap()
            );
        }
        assert!(Instant::now() < deadline, "auth-service did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (running, address)
}

#[actix_web::test]
async fn the_logs_hold_no_password_token_or_secret_but_do_report_reuse() {
    let db = TestDatabase::create();
    let (running, address) = start_binary(&db, &[("REFRESH_REUSE_GRACE", "0")]).await;
    let client = http_client();
    let password = "Plaintext-Passphrase-4711";
    let wrong_password = "Wrong-Passphrase-0815";
    let post = |path: &str, body: serde_json::Value| {
        client.post(format!("{address}{path}")).json(&body).send()
    };

    let registered = post(
        "/auth/register",
        json!({"username": "alice", "email": "alice@example.com", "full_name": "Alice", "password": password}),
    )
    .await
    .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let too_short = post(
        "/auth/register",
        json!({"username": "bob", "email": "bob@example.com", "full_name": "Bob", "password": "Short-1"}),
    )
    .await
    .unwrap();
    assert_eq!(too_short.status(), StatusCode::BAD_REQUEST);
    let failed = post(
        "/auth/login",
        json!({"username": "alice", "password": wrong_password}),
    )
    .await
    .unwrap();
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    let login = post(
        "/auth/login",
        json!({"username": "alice", "password": password}),
    )
    .await
    .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let first = Tokens::from_body(login.json().await.unwrap());
    let second = refresh_at(&client, &address, &first.refresh).await;
    assert_eq!(second.status(), StatusCode::OK);
    let second = Tokens::from_body(second.json().await.unwrap());
    let reuse = refresh_at(&client, &address, &first.refresh).await;
    assert_error(reuse, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    // A revoked session's access token, a token in the query string, a garbage token.
    let revoked = client
        .get(format!("{address}/auth/me"))
        .bearer_auth(&second.access)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
    let in_query = client
        .get(format!("{address}/auth/me?access_token={}", first.access))
        .send()
        .await
        .unwrap();
    assert_eq!(in_query.status(), StatusCode::UNAUTHORIZED);
    let third = post(
        "/auth/login",
        json!({"username": "alice", "password": password}),
    )
    .await
    .unwrap();
    let third = Tokens::from_body(third.json().await.unwrap());
    let logout = client
        .post(format!("{address}/auth/logout"))
        .header(
            "cookie",
            format!("__Secure-refresh_token={}", third.refresh),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let user_id = decode_jwt(&first.access).1["sub"]
        .as_str()
        .unwrap()
        .to_owned();

    #[derive(QueryableByName)]
    struct Hash {
        #[diesel(sql_type = Text)]
        password_hash: String,
    }
    let hash = diesel::sql_query("SELECT password_hash FROM users")
        .get_result::<Hash>(&mut db.connect())
        .unwrap()
        .password_hash;
    let logs = running.stop();

    assert!(
        logs.contains("/auth/refresh"),
        "the access log ran at all:\n{logs}"
    );
    let mut secrets = vec![
        ("the password", password.to_owned()),
        ("a wrong password", wrong_password.to_owned()),
        ("a refused password", "Short-1".to_owned()),
        ("the password hash", hash),
        ("the access secret", ACCESS_SECRET.to_owned()),
        ("the refresh secret", REFRESH_SECRET.to_owned()),
    ];
    for tokens in [&first, &second, &third] {
        for token in [&tokens.access, &tokens.refresh] {
            secrets.push(("a token", token.clone()));
            let signature = token.rsplit('.').next().unwrap().to_owned();
            secrets.push(("a token signature", signature));
        }
    }
    for (what, secret) in secrets {
        assert!(
            !logs.contains(&secret),
            "{what} appears in the logs:\n{logs}"
        );
    }
    let warn = logs
        .lines()
        .find(|line| line.contains("WARN") && line.contains("reuse"))
        .unwrap_or_else(|| panic!("no WARN line about reuse:\n{logs}"));
    assert!(
        warn.contains(&first.session_id.to_string()),
        "the WARN line names the session: {warn}"
    );
    assert!(
        warn.contains(&user_id),
        "the WARN line names the user: {warn}"
    );
}

#[actix_web::test]
async fn the_binary_refuses_a_missing_short_or_shared_secret_in_one_line() {
    let short = "too-short-secret";
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("REFRESH_TOKEN_SECRET", REFRESH_SECRET)],
            "ACCESS_TOKEN_SECRET",
        ),
        (
            &[("ACCESS_TOKEN_SECRET", ACCESS_SECRET)],
            "REFRESH_TOKEN_SECRET",
        ),
        (
            &[
                ("ACCESS_TOKEN_SECRET", short),
                ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
            ],
            "ACCESS_TOKEN_SECRET",
        ),
        (
            &[
                ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
                ("REFRESH_TOKEN_SECRET", short),
            ],
            "REFRESH_TOKEN_SECRET",
        ),
        (
            &[
                ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
                ("REFRESH_TOKEN_SECRET", ACCESS_SECRET),
            ],
            "REFRESH_TOKEN_SECRET",
        ),
        (
            &[
                ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
                ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
                ("REFRESH_REUSE_GRACE", "ten seconds"),
            ],
            "REFRESH_REUSE_GRACE",
        ),
    ];

    for (vars, named) in cases {
        let mut all = vec![
            ("DATABASE_URL", "postgres://127.0.0.1:1/unused"),
            ("BIND_ADDR", "127.0.0.1:0"),
        ];
        all.extend_from_slice(vars);

        let output = binary(&all).output().unwrap();

        assert!(!output.status.success(), "{named}: must not start");
        let stderr = String::from_utf8(output.stderr).unwrap();
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{named}: one line, got {stderr:?}");
        assert!(lines[0].contains(named), "{named}: {stderr:?}");
        assert!(!stderr.contains(short), "the line does not echo a secret");
        assert!(
            !stderr.contains(ACCESS_SECRET),
            "the line does not echo a secret"
        );
        assert!(output.stdout.is_empty(), "{named}");
    }
}

#[actix_web::test]
async fn the_grant_role_subcommand_adds_a_role() {
    let app = crate::helpers::spawn_app().await;
    let user = app.register_user("alice").await;

    let output = binary(&[
        ("DATABASE_URL", app.db.url()),
        ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
        ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
    ])
    .args(["grant-role", "alice", "admin"])
    .output()
    .unwrap();

    assert!(output.status.success(), "{output:?}");
    let tokens = app.login_as(&user).await;
    assert_eq!(tokens.body["user"]["roles"], json!(["user", "admin"]));
}

#[actix_web::test]
async fn unparseable_requests_are_counted_not_logged_as_errors() {
    let db = TestDatabase::create();
    let metrics_port = free_port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let (running, address) = start_binary(
        &db,
        &[
            ("RUST_LOG", "info"),
            ("METRICS_ADDR", metrics_addr.as_str()),
        ],
    )
    .await;
    let host = address.trim_start_matches("http://").to_owned();
    let garbage: [&[u8]; 3] = [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
        b"GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n",
    ];
    for request in garbage {
        let host = host.clone();
        let answer = tokio::task::spawn_blocking(move || {
            test_support::raw_http::exchange(&host, request).status
        })
        .await
        .unwrap();
        assert_eq!(answer, 400);
    }
    let text = http_client()
        .get(format!("http://{metrics_addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        test_support::metric(&text, "http_malformed_requests_total"),
        Some(3.0),
        "{text}"
    );
    let logs = running.stop();
    let errors: Vec<&str> = logs.lines().filter(|l| l.contains(" ERROR ")).collect();
    assert!(
        errors.is_empty(),
        "client garbage logged as ERROR: {errors:?}"
    );
}

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
