//! `spawn_app()`: a fresh database, the real `Application` on port 0, and a client that speaks
//! HTTP to it. Every test gets its own app and its own database.

mod answers;
mod requests;

pub use answers::*;

use auth_service::config::Settings;
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
pub use test_harness::auth::{settings_from, REFRESH_SECRET};
pub use test_harness::ALLOWED_ORIGIN;
pub const FOREIGN_ORIGIN: &str = "https://evil.example";

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
    /// Stops the app as SIGTERM would (a test of a restart).
    pub handle: service_kit::server::StopHandle,
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

/// Starts the app with the base variables of `test_harness::auth` changed by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    spawn_app_on(TestDatabase::create(), configure).await
}

/// The same on `db`, which may hold what an earlier app left there (a restart).
pub async fn spawn_app_on(
    db: TestDatabase,
    configure: impl FnOnce(&mut HashMap<String, String>),
) -> TestApp {
    let auth = test_harness::start_auth_on(db, configure).await;
    TestApp {
        address: auth.address.clone(),
        port: auth.port,
        metrics_address: auth.metrics_address.clone().unwrap_or_default(),
        db: auth.db,
        client: http_client(),
        settings: auth.settings,
        vars: auth.vars,
        mail_dir: auth.dir,
        handle: auth.running.handle,
    }
}

/// Starts another instance with `settings`; returns its address.
async fn start(settings: Settings) -> String {
    test_harness::serve(auth_service::startup::build(settings))
        .await
        .address
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
