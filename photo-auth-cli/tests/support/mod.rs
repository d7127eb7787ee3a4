//! What every test binary of `photo-auth` shares: both services to run against, stand-ins for
//! them that record every request, and the one way the tool is run as a process (its addresses
//! and config directory in the environment, stdin fed, off the runtime that serves the
//! services).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

#[allow(unused_imports)]
pub use test_support::stand_in::{read_request, response, StandIn};
