//! Graceful shutdown of the real binary: on SIGTERM an upload already under way completes and is
//! stored, new connections are refused, and the process exits 0.

use crate::helpers::{claims_for, verifier_vars, Key, TestUser, PNG};
use diesel::sql_types::BigInt;
use diesel::RunQueryDsl;
use resource_service::config::Settings;
use shared_tokens::AccessPolicy;
use shared_tokens::ACCESS_TYP;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use test_support::TestDatabase;
use uuid::Uuid;

pub(crate) const BINARY: &str = env!("CARGO_BIN_EXE_resource-service");

pub(crate) struct Running(pub(crate) Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn token(vars: &[(&str, String)], user: &TestUser) -> String {
    let settings = Settings::from_lookup(&|name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    let policy = AccessPolicy::from_config(&settings.access);
    let claims = claims_for(&policy, user);
    Key::Current.signer().sign(ACCESS_TYP, &claims).unwrap()
}

/// Starts the real binary with only `vars` in its environment; returns it and its log file.
pub(crate) fn start_binary(vars: &[(&str, String)]) -> (Running, std::path::PathBuf) {
    let log = std::env::temp_dir().join(format!("resource-service-{}.log", Uuid::new_v4()));
    let file = std::fs::File::create(&log).unwrap();
    // `RESOURCE_SERVICE_BIN` runs another build of it (the release one, to measure memory).
    let binary = std::env::var("RESOURCE_SERVICE_BIN").unwrap_or_else(|_| BINARY.to_owned());
    let mut command = Command::new(binary);
    command
        .env_clear()
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file));
    for (k, v) in vars {
        command.env(k, v);
    }
    (Running(command.spawn().unwrap()), log)
}

pub(crate) fn wait_until_healthy(port: u16, running: &mut Running, log: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while service_kit::healthcheck::run(&format!("127.0.0.1:{port}")).is_err() {
        if let Ok(Some(status)) = running.0.try_wait() {
            panic!(
                "resource-service exited with {status}: {}",
                std::fs::read_to_string(log).unwrap()
            );
        }
        assert!(Instant::now() < deadline, "resource-service did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_lets_an_upload_in_flight_finish_refuses_new_connections_and_exits_zero() {
    let db = TestDatabase::create();
    let port = free_port();
    let vars = vec![
        ("DATABASE_URL", db.url().to_owned()),
        ("BIND_ADDR", format!("127.0.0.1:{port}")),
        ("METRICS_ADDR", "127.0.0.1:0".to_owned()),
        ("SHUTDOWN_TIMEOUT", "20s".to_owned()),
        ("RUST_LOG", "info".to_owned()),
    ];
    let vars = [vars, verifier_vars()].concat();
    let (mut running, log) = start_binary(&vars);
    wait_until_healthy(port, &mut running, &log);

    // A 256 KiB photo, sent in two halves with the SIGTERM in between.
    let token = token(&vars, &TestUser::new("uploader"));
    let mut image = PNG.to_vec();
    image.resize(256 * 1024, 0);
    let boundary = "shutdown-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&image);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let head = format!(
        "POST /photos HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let mut upload = TcpStream::connect(("127.0.0.1", port)).unwrap();
    upload
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    upload.write_all(head.as_bytes()).unwrap();
    let half = body.len() / 2;
    upload.write_all(&body[..half]).unwrap();
    upload.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let pid = running.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    // Longer than actix's shutdown poll interval (1 s), so a server that did not wait for the
    // configured timeout would already have dropped this connection.
    std::thread::sleep(Duration::from_millis(2500));
    assert!(
        running.0.try_wait().unwrap().is_none(),
        "the process must wait for the upload in flight"
    );
    assert!(
        TcpStream::connect_timeout(
            &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
            Duration::from_secs(1)
        )
        .is_err(),
        "a new connection after SIGTERM must be refused"
    );

    upload.write_all(&body[half..]).unwrap();
    let mut response = Vec::new();
    upload.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 201"),
        "the upload in flight completes: {response}"
    );

    let started = Instant::now();
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still running 10 s after the last request"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    let logs = std::fs::read_to_string(&log).unwrap();
    assert!(logs.contains("resource-service stopped"), "{logs}");

    let stored: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        // Stored stripped: the zero padding after the PNG's end is not kept.
        "(SELECT count(*) FROM photos WHERE owner_username = 'uploader')",
    ))
    .get_result(&mut db.connect())
    .unwrap();
    assert_eq!(stored, 1, "the photo is stored");
}
