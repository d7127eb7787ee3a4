//! `spawn_app()`: a fresh database, the real `Application` on port 0, and a client that speaks
//! HTTP to it. Every test gets its own app and its own database.

mod answers;
mod requests;

pub use answers::*;

use auth_service::config::Settings;
use auth_service::startup::Application;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use diesel::sql_types::{Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::{QueryableByName, RunQueryDsl};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use test_support::TestDatabase;
use uuid::Uuid;

/// The access secret in HS256 mode (`test_support::access_keys`).
pub const ACCESS_SECRET: &str = "test-access-secret-0123456789abcdef0123456789";
pub const REFRESH_SECRET: &str = "test-refresh-secret-0123456789abcdef0123456789";
pub const ALLOWED_ORIGIN: &str = "https://app.example.com";
pub const FOREIGN_ORIGIN: &str = "https://evil.example";

/// The environment every test app starts from; tests override single variables.
pub fn base_vars(database_url: &str) -> HashMap<String, String> {
    [
        ("DATABASE_URL", database_url),
        ("BIND_ADDR", "127.0.0.1:0"),
        ("METRICS_ADDR", "127.0.0.1:0"),
        ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
        ("BCRYPT_COST", "4"),
        ("DB_POOL_SIZE", "10"),
        ("ALLOWED_ORIGINS", ALLOWED_ORIGIN),
        // Every test client is 127.0.0.1: per-address limits would make tests depend on each
        // other's pace. The limits have their own tests, which switch them back on.
        ("RATE_LIMIT_PER_IP", "off"),
        ("LOGIN_MAX_FAILURES", "100"),
        // Tests send parallel requests of their own; the bound on bcrypt work per instance has
        // its own tests, which set it back.
        ("PASSWORD_HASH_QUEUE", "10000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .chain(
        test_support::access_keys::issuer_vars()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v)),
    )
    .collect()
}

pub fn settings_from(vars: &HashMap<String, String>) -> Settings {
    Settings::from_lookup(&|k| vars.get(k).cloned()).expect("test settings must be valid")
}

pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    pub port: u16,
    /// `http://127.0.0.1:<metrics port>`: the separate `/metrics` listener.
    pub metrics_address: String,
    /// Kept alive for as long as the app: dropping it drops the database.
    pub db: TestDatabase,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub vars: HashMap<String, String>,
    /// `MAIL_DIR`: where the app writes its mails, unless the test gave it an `SMTP_URL`.
    pub mail_dir: tempfile::TempDir,
}

/// A user registered through the API, with the password it was registered with.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub password: String,
}

/// The parts of a `TokenResponse` the tests use, plus the whole body.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub session_id: Uuid,
    pub body: Value,
}

impl Tokens {
    pub fn from_body(body: Value) -> Self {
        Self {
            access: body["access_token"]
                .as_str()
                .expect("access_token")
                .to_owned(),
            refresh: body["refresh_token"]
                .as_str()
                .expect("refresh_token")
                .to_owned(),
            session_id: body["session_id"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("session_id"),
            body,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app with the base variables changed by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    let db = TestDatabase::create();
    let mail_dir = tempfile::tempdir().expect("a mail directory");
    let mut vars = base_vars(db.url());
    vars.insert(
        "MAIL_DIR".to_owned(),
        mail_dir.path().to_string_lossy().into_owned(),
    );
    configure(&mut vars);
    let settings = settings_from(&vars);
    let (port, metrics_port) = start(settings.clone()).await;
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        metrics_address: format!("http://127.0.0.1:{}", metrics_port.unwrap_or(0)),
        db,
        client: http_client(),
        settings,
        vars,
        mail_dir,
    }
}

/// Starts the app; returns its port and its metrics port.
async fn start(settings: Settings) -> (u16, Option<u16>) {
    let app = Application::build(settings)
        .await
        .expect("the application must start");
    let ports = (app.port(), app.metrics_port());
    actix_web::rt::spawn(app.run_until_stopped());
    wait_until_serving(ports.0).await;
    ports
}

/// The server starts once its future is first polled: a test that goes straight to blocking
/// socket calls (`test_support::raw_http`) would otherwise talk to nobody.
async fn wait_until_serving(port: u16) {
    let client = http_client();
    for _ in 0..200 {
        if client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok()
        {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the app on port {port} never answered");
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub async fn refresh_at(client: &reqwest::Client, address: &str, refresh_token: &str) -> Response {
    client
        .post(format!("{address}/auth/refresh"))
        .json(&json!({ "refresh_token": refresh_token }))
        .send()
        .await
        .unwrap()
}

#[derive(QueryableByName, Debug)]
pub struct SessionState {
    #[diesel(sql_type = Integer)]
    pub generation: i32,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub revoked_reason: Option<String>,
    #[diesel(sql_type = Integer)]
    pub token_rows: i32,
}

/// Asserts the status and the error code of docs/API.md, and returns the body.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) -> Value {
    let actual = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "body: {text}");
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("error body is not JSON ({e}): {text}"));
    assert_eq!(body["error"], code, "body: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "an error carries a message: {body}"
    );
    body
}
