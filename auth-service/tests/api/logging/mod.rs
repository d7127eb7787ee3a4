//! The real binary: what it writes to its logs, and how it refuses a bad configuration.

mod binary;
mod command_line;
mod logs;
mod malformed;

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
    let mail_dir = scratch_dir();
    let mut vars = test_harness::auth::base_vars(db.url(), &mail_dir.to_string_lossy());
    vars.insert("BIND_ADDR".into(), bind.clone());
    vars.insert("RUST_LOG".into(), "debug".into());
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
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
