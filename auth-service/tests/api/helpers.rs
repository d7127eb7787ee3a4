//! `spawn_app()`: a fresh database, the real `Application` on port 0, and a client that speaks
//! HTTP to it. Every test gets its own app and its own database.

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
        ("ACCESS_TOKEN_SECRET", ACCESS_SECRET),
        ("REFRESH_TOKEN_SECRET", REFRESH_SECRET),
        ("BCRYPT_COST", "4"),
        ("DB_POOL_SIZE", "10"),
        ("ALLOWED_ORIGINS", ALLOWED_ORIGIN),
        // Every test client is 127.0.0.1: per-address limits would make tests depend on each
        // other's pace. The limits have their own tests, which switch them back on.
        ("RATE_LIMIT_PER_IP", "off"),
        ("LOGIN_MAX_FAILURES", "100"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
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
    let mut vars = base_vars(db.url());
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

impl TestApp {
    /// A second `Application` with the same settings against the SAME database; returns its
    /// address. It stops when the test's runtime ends.
    pub async fn spawn_second_instance(&self) -> String {
        let (port, _) = start(settings_from(&self.vars)).await;
        format!("http://127.0.0.1:{port}")
    }

    /// Another `Application` against the SAME database with this app's variables changed by
    /// `configure` (a rotated secret, say); returns its address.
    pub async fn spawn_instance_with(
        &self,
        configure: impl FnOnce(&mut HashMap<String, String>),
    ) -> String {
        let mut vars = self.vars.clone();
        configure(&mut vars);
        let (port, _) = start(settings_from(&vars)).await;
        format!("http://127.0.0.1:{port}")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub fn with_bearer(builder: RequestBuilder, bearer: Option<&str>) -> RequestBuilder {
        match bearer {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Response {
        Self::with_bearer(self.request(Method::GET, path), bearer)
            .send()
            .await
            .unwrap()
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        bearer: Option<&str>,
    ) -> Response {
        Self::with_bearer(self.request(method, path), bearer)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value, bearer: Option<&str>) -> Response {
        self.send_json(Method::POST, path, body, bearer).await
    }

    pub async fn post_empty(&self, path: &str, bearer: Option<&str>) -> Response {
        Self::with_bearer(self.request(Method::POST, path), bearer)
            .send()
            .await
            .unwrap()
    }

    pub async fn register(
        &self,
        username: &str,
        email: &str,
        full_name: &str,
        password: &str,
    ) -> Response {
        self.post_json(
            "/auth/register",
            &json!({
                "username": username,
                "email": email,
                "full_name": full_name,
                "password": password,
            }),
            None,
        )
        .await
    }

    /// Registers `<name>` / `<name>@example.com` with a fixed password, asserting 201.
    pub async fn register_user(&self, name: &str) -> TestUser {
        self.register_user_with_password(name, "correct horse battery staple")
            .await
    }

    pub async fn register_user_with_password(&self, name: &str, password: &str) -> TestUser {
        let email = format!("{name}@example.com");
        let response = self
            .register(name, &email, &format!("{name} Example"), password)
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "registering {name}");
        let body: Value = response.json().await.unwrap();
        TestUser {
            id: body["id"].as_str().unwrap().parse().unwrap(),
            username: name.to_owned(),
            email,
            password: password.to_owned(),
        }
    }

    pub async fn login(&self, body: &Value) -> Response {
        self.post_json("/auth/login", body, None).await
    }

    /// Logs `user` in by username, asserting 200.
    pub async fn login_as(&self, user: &TestUser) -> Tokens {
        self.login_with_password(&user.username, &user.password)
            .await
    }

    pub async fn login_with_password(&self, username: &str, password: &str) -> Tokens {
        let response = self
            .login(&json!({"username": username, "password": password}))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "login as {username}");
        Tokens::from_body(response.json().await.unwrap())
    }

    /// `POST /auth/refresh` with `{refresh_token}` in the body.
    pub async fn refresh(&self, refresh_token: &str) -> Response {
        refresh_at(&self.client, &self.address, refresh_token).await
    }

    /// Refreshes, asserting 200.
    pub async fn refreshed(&self, refresh_token: &str) -> Tokens {
        let response = self.refresh(refresh_token).await;
        assert_eq!(response.status(), StatusCode::OK, "refresh");
        Tokens::from_body(response.json().await.unwrap())
    }

    /// A direct connection for inspecting rows.
    pub fn session(&self, id: Uuid) -> SessionState {
        diesel::sql_query(
            "SELECT s.generation, s.revoked_at, s.revoked_reason, \
             (SELECT count(*)::int FROM refresh_tokens t WHERE t.session_id = s.id) AS token_rows \
             FROM sessions s WHERE s.id = $1",
        )
        .bind::<SqlUuid, _>(id)
        .get_result(&mut self.db.connect())
        .expect("the session row exists")
    }

    pub fn count(&self, sql: &str, id: Uuid) -> i32 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = Integer)]
            n: i32,
        }
        diesel::sql_query(sql)
            .bind::<SqlUuid, _>(id)
            .get_result::<Count>(&mut self.db.connect())
            .unwrap()
            .n
    }
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

/// The decoded header and claims of a JWT (no verification).
pub fn decode_jwt(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let mut part = || {
        let bytes = URL_SAFE_NO_PAD
            .decode(parts.next().expect("a JWT has three parts"))
            .expect("base64url");
        serde_json::from_slice::<Value>(&bytes).expect("JSON")
    };
    let header = part();
    let claims = part();
    (header, claims)
}

/// One `Set-Cookie` header, parsed.
#[derive(Debug, Clone)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// Attribute names in lower case; flags map to `None`.
    pub attributes: HashMap<String, Option<String>>,
}

impl SetCookie {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).and_then(|v| v.as_deref())
    }

    pub fn has(&self, name: &str) -> bool {
        self.attributes.contains_key(name)
    }
}

pub fn set_cookies(headers: &HeaderMap) -> Vec<SetCookie> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| {
            let text = v.to_str().unwrap();
            let mut parts = text.split(';').map(str::trim);
            let (name, value) = parts.next().unwrap().split_once('=').unwrap();
            let attributes = parts
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_owned())),
                    None => (p.to_ascii_lowercase(), None),
                })
                .collect();
            SetCookie {
                name: name.to_owned(),
                value: value.to_owned(),
                attributes,
            }
        })
        .collect()
}

pub fn find_cookie<'a>(cookies: &'a [SetCookie], name: &str) -> &'a SetCookie {
    let matching: Vec<&SetCookie> = cookies.iter().filter(|c| c.name == name).collect();
    assert_eq!(
        matching.len(),
        1,
        "exactly one {name} cookie in {cookies:?}"
    );
    matching[0]
}

pub fn median(mut samples: Vec<std::time::Duration>) -> std::time::Duration {
    samples.sort();
    samples[samples.len() / 2]
}
