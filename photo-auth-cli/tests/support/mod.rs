//! What every test binary of `photo-auth` shares: both services to run against, stand-ins for
//! them that record every request, and the one way the tool is run as a process (its addresses
//! and config directory in the environment, stdin fed, off the runtime that serves the
//! services).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Both services on port 0 (`test-harness`), kept running for as long as this value lives.
pub struct Services {
    pub auth_url: String,
    pub api_url: String,
    /// auth-service's `MAIL_DIR`: one of its own for each test.
    pub mail: PathBuf,
    _keep: test_harness::Both,
}

impl Services {
    /// Both services, resource-service's variables changed by `configure_resource`.
    pub async fn start(configure_resource: impl FnOnce(&mut test_harness::Vars)) -> Self {
        let both = test_harness::start_both(|_| {}, configure_resource).await;
        Self {
            auth_url: both.auth.address.clone(),
            api_url: both.resource.address.clone(),
            mail: both.auth.dir.path().to_owned(),
            _keep: both,
        }
    }

    pub fn urls(&self) -> (&str, &str) {
        (&self.auth_url, &self.api_url)
    }
}

/// Runs `photo-auth ARGS` against `urls` (auth, API) with `config` as its directory and `stdin`.
pub async fn run(config: &Path, urls: (&str, &str), args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_photo-auth"));
    command
        .env_clear()
        .env("PHOTO_AUTH_AUTH_URL", urls.0)
        .env("PHOTO_AUTH_API_URL", urls.1)
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

/// A server on 127.0.0.1, on a port of its own, that keeps each request it receives and answers
/// it with what `answer` makes of it: a whole HTTP/1.1 response (see [`response`]).
pub struct StandIn {
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl StandIn {
    pub fn start(answer: impl Fn(&str) -> String + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&seen);
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let request = read_request(&mut stream);
                let answered = answer(&request);
                kept.lock().unwrap().push(request);
                let _ = stream.write_all(answered.as_bytes());
            }
        });
        Self { url, seen }
    }

    /// The first lines (`POST /auth/refresh HTTP/1.1`) of the requests received so far.
    pub fn request_lines(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .map(|r| r.lines().next().unwrap_or_default().to_owned())
            .collect()
    }
}

/// An HTTP/1.1 response with a JSON `body`, its `status` line (`401 Unauthorized`) and any
/// further header lines.
pub fn response(status: &str, headers: &[&str], body: &str) -> String {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    format!(
        "{head}Content-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// One request read whole off `stream`: its head, and its body as `Content-Length` says.
pub fn read_request(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).unwrap_or(0);
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&bytes[..end]).to_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .map_or(0, |n| n.trim().parse().unwrap_or(0));
        if bytes.len() >= end + 4 + length {
            break;
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
