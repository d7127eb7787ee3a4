//! Starts the services for a test (CONTRIBUTING.md, The whole suite): each on port 0, from one
//! base environment per service, against a database of its own; it waits until the service
//! answers `GET /healthz` and hands back its address, its settings and what must outlive it.
//! Every test in the workspace that runs a real service starts it here, so a new variable or a
//! changed start is made once.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod auth;
pub mod resource;

pub use auth::{start_auth, start_auth_on, AuthInstance};
pub use resource::{start_resource, start_resource_on, ResourceInstance};

use service_kit::server::{Application, StopHandle};
use std::collections::HashMap;
use std::fmt::Debug;
use std::future::Future;
use std::ops::Deref;
use std::time::Duration;
use test_support::TestDatabase;

/// A service's environment: variable to value. Tests change single variables before the start.
pub type Vars = HashMap<String, String>;

/// The origin the test instances allow (`ALLOWED_ORIGINS`).
pub const ALLOWED_ORIGIN: &str = "https://app.example.com";

/// A service serving on loopback until the test's runtime ends or [`Self::handle`] stops it.
pub struct Running {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    pub port: u16,
    /// `http://127.0.0.1:<metrics port>`, when `METRICS_ADDR` is not `off`.
    pub metrics_address: Option<String>,
    /// Stops the server (a test of shutdown or of an outage).
    pub handle: StopHandle,
}

/// A running service and what it was started with.
pub struct Instance<S> {
    pub running: Running,
    pub settings: S,
    pub vars: Vars,
    /// Kept alive for as long as the service: dropping it drops the database.
    pub db: TestDatabase,
    /// The service's directory of its own (auth-service: `MAIL_DIR`; resource-service: the
    /// default `PHOTO_STORE`), removed at the end of the test.
    pub dir: tempfile::TempDir,
}

impl<S> Deref for Instance<S> {
    type Target = Running;

    fn deref(&self) -> &Running {
        &self.running
    }
}

/// Starts a service on `db` from `base` (given the database URL and the directory) changed by
/// `configure`: `read` makes its settings, `build` builds it.
async fn start_instance<S, F, E>(
    db: TestDatabase,
    base: fn(&str, &str) -> Vars,
    configure: impl FnOnce(&mut Vars),
    read: fn(&Vars) -> S,
    build: impl FnOnce(S) -> F,
) -> Instance<S>
where
    S: Clone,
    F: Future<Output = Result<Application, E>>,
    E: Debug,
{
    let dir = tempfile::tempdir().expect("a directory of the service's own");
    let mut vars = base(db.url(), &dir.path().to_string_lossy());
    configure(&mut vars);
    let settings = read(&vars);
    let running = serve(build(settings.clone())).await;
    Instance {
        running,
        settings,
        vars,
        db,
        dir,
    }
}

/// Serves what `built` builds and returns once it answers.
pub async fn serve<E: Debug>(built: impl Future<Output = Result<Application, E>>) -> Running {
    let app = built.await.expect("the service must start");
    let port = app.port();
    let running = Running {
        address: format!("http://127.0.0.1:{port}"),
        port,
        metrics_address: app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}")),
        handle: app.handle(),
    };
    tokio::spawn(app.run_until_stopped());
    wait_until_serving(&running.address).await;
    running
}

/// The server starts once its future is first polled: a test that goes straight to blocking
/// socket calls (`test_support::raw_http`) would otherwise talk to nobody.
async fn wait_until_serving(address: &str) {
    let client = reqwest::Client::new();
    for _ in 0..500 {
        if client
            .get(format!("{address}/healthz"))
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the service at {address} never answered");
}

/// `pairs` as [`Vars`].
fn vars<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Vars {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Both services, as a client sees them: auth-service and a resource-service that accepts its
/// tokens.
pub struct Both {
    pub auth: AuthInstance,
    pub resource: ResourceInstance,
}

/// Starts auth-service, then resource-service following its event feed, each from its base
/// with a test's changes; returns once resource-service is ready (its revocation list caught up).
pub async fn start_both(
    configure_auth: impl FnOnce(&mut Vars),
    configure_resource: impl FnOnce(&mut Vars),
) -> Both {
    let auth = start_auth(configure_auth).await;
    let resource = start_resource(|vars| {
        follow(vars, &auth);
        configure_resource(vars);
    })
    .await;
    wait_until_ready(&resource.address).await;
    Both { auth, resource }
}

/// Makes a resource-service follow `auth`'s event feed (docs/EVENTS.md).
pub fn follow(vars: &mut Vars, auth: &Running) {
    vars.insert("EVENT_FEED_URL".into(), format!("{}/events", auth.address));
    vars.insert("EVENT_FEED_SECRET".into(), auth::FEED_SECRET.into());
}

/// Waits until `GET /readyz` answers 200 (at most 10 s).
pub async fn wait_until_ready(address: &str) {
    let client = reqwest::Client::new();
    for _ in 0..1000 {
        if let Ok(answer) = client.get(format!("{address}/readyz")).send().await {
            if answer.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the service at {address} never became ready");
}
