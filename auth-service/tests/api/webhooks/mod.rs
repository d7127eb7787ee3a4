//! Webhooks (docs/EVENTS.md, Webhooks): the events posted to receivers that check every request
//! with the Standard Webhooks reference library (the npm package `standardwebhooks`, in
//! web/tests/webhook-receiver.mjs), as an integrator would.

mod addresses;
mod delivery;
mod failures;

use crate::helpers::TestApp;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The secret the receivers know: the second of those auth-service signs with.
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The first one, which no receiver knows: a receiver between two secrets accepts either.
pub const OTHER_SECRET: &str = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// Posts to `urls`, signed with both secrets, with retries and a timeout short enough for a test.
/// The receivers listen on loopback, hence `WEBHOOK_ALLOW_PRIVATE`.
pub fn webhooks_to(vars: &mut HashMap<String, String>, urls: &[String]) {
    for (var, value) in [
        ("WEBHOOK_URLS", urls.join(",")),
        ("WEBHOOK_SECRET", format!("{OTHER_SECRET} {SECRET}")),
        ("WEBHOOK_ALLOW_PRIVATE", "true".to_owned()),
        ("WEBHOOK_RETRY_INITIAL", "100ms".to_owned()),
        ("WEBHOOK_RETRY_MAX", "1s".to_owned()),
        ("WEBHOOK_TIMEOUT", "500ms".to_owned()),
    ] {
        vars.insert(var.to_owned(), value);
    }
}

/// A receiver process (`node web/tests/webhook-receiver.mjs`), killed when dropped.
pub struct Receiver {
    child: Child,
    pub port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Receiver {
    /// Starts one in `mode` (`ok`, `fail:N`, `slow:N:MS`: see the script).
    pub fn start(mode: &str) -> Self {
        let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web");
        assert!(
            web.join("node_modules/standardwebhooks").is_dir(),
            "the webhook tests need the npm package standardwebhooks: run `npm ci` in web/ \
             (Node.js 20 or newer; CONTRIBUTING.md, What the tests need)"
        );
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new("node")
            .arg(web.join("tests/webhook-receiver.mjs"))
            .env("WEBHOOK_RECEIVER_SECRET", SECRET)
            .env("WEBHOOK_RECEIVER_LOG", &log)
            .env("WEBHOOK_RECEIVER_MODE", mode)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("the webhook tests need Node.js 20 or newer as `node` on the PATH: {e}")
            });
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let port = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the receiver did not start (it printed {line:?})"));
        Self {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// The endpoint's name in the metrics: `host:port`.
    pub fn label(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Every request so far, in the order they came.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// The events taken (answered 2xx), as `(id, type)`.
    pub fn taken(&self) -> Vec<(String, String)> {
        self.requests()
            .iter()
            .filter(|r| r["answered"] == 204)
            .map(|r| (text(&r["id"]), text(&r["type"])))
            .collect()
    }

    /// Waits up to `within` until `count` events were taken; all of them then.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<(String, String)> {
        let deadline = Instant::now() + within;
        loop {
            let taken = self.taken();
            if taken.len() >= count {
                return taken;
            }
            assert!(
                Instant::now() < deadline,
                "{count} events expected within {within:?}; requests: {:#?}",
                self.requests()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Every request passed the library's check, and named the event it carried.
    pub fn assert_all_verified(&self) {
        for request in self.requests() {
            assert_eq!(request["verified"], true, "{request}");
            assert_eq!(request["method"], "POST", "{request}");
            assert_eq!(request["path"], "/hook", "{request}");
            assert_eq!(request["webhook_id"], request["id"], "{request}");
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[derive(QueryableByName)]
struct LoggedEvent {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    kind: String,
}

/// The event log as `(id, type)`, in order.
pub fn logged_events(app: &TestApp) -> Vec<(String, String)> {
    diesel::sql_query("SELECT id, kind FROM events ORDER BY seq")
        .load::<LoggedEvent>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .map(|e| (e.id.to_string(), e.kind))
        .collect()
}

/// `webhook_deliveries_total` of `endpoint` and `outcome`.
pub async fn deliveries(app: &TestApp, endpoint: &str, outcome: &str) -> f64 {
    let text = app
        .client
        .get(format!("{}/metrics", app.metrics_address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let series =
        format!(r#"webhook_deliveries_total{{endpoint="{endpoint}",outcome="{outcome}"}}"#);
    test_support::metric(&text, &series).unwrap_or_else(|| panic!("no series {series} in:\n{text}"))
}

/// Waits up to `within` until `webhook_deliveries_total` of `endpoint` and `outcome` reaches
/// `count`.
pub async fn wait_for_deliveries(
    app: &TestApp,
    endpoint: &str,
    outcome: &str,
    count: f64,
    within: Duration,
) {
    let deadline = Instant::now() + within;
    loop {
        let seen = deliveries(app, endpoint, outcome).await;
        if seen >= count {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{outcome} for {endpoint}: {seen}, expected {count} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
