//! The one server builder both services start through (docs/ARCHITECTURE.md, Startup): the
//! settings every service reads alike, the listener, the middleware stack in its order, the
//! answers to requests refused before a handler runs, the development API page, and the running
//! [`Application`] the binary and the tests hold. A service's `startup` says only what is its
//! own: its state, its routes, its background tasks and its CORS headers.

use crate::background::Background;
use crate::env::{ConfigError, Env};
use crate::headers::security_headers;
use crate::metrics::Metrics;
use crate::metrics_listener::{self, MetricsListener};
use crate::request_errors::{self, MAX_JSON_BYTES};
use actix_web::dev::{Server, ServerHandle};
use actix_web::http::header::HeaderName;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use secrecy::SecretString;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What every service reads the same way (docs/CONFIGURATION.md, All variables). Its one secret,
/// `database_url` (which may hold a password), prints redacted.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// `DATABASE_URL`: the service's own database.
    pub database_url: SecretString,
    /// `BIND_ADDR`: `host:port`; tests pass `127.0.0.1:0`.
    pub bind_addr: String,
    /// `APP_ENV=production`: the development conveniences (the `/docs` page) are off.
    pub production: bool,
    /// `DB_POOL_SIZE`, default 10.
    pub db_pool_size: u32,
    /// `SHUTDOWN_TIMEOUT`, default 30s: how long a stopping service lets in-flight requests
    /// (an upload, say) finish.
    pub shutdown_timeout: Duration,
    /// `METRICS_ADDR`: where `/metrics` is served, apart from the public port; `None` is off.
    pub metrics_addr: Option<String>,
}

/// The defaults one service gives the shared variables.
pub struct Defaults {
    /// `BIND_ADDR`, e.g. `0.0.0.0:8080`.
    pub bind_addr: &'static str,
    /// `METRICS_ADDR`, e.g. `127.0.0.1:9090`.
    pub metrics_addr: &'static str,
    /// The database the example `DATABASE_URL` in the error names, e.g. `auth`.
    pub database: &'static str,
}

impl ServerSettings {
    pub fn from_env(env: &Env<'_>, defaults: &Defaults) -> Result<Self, ConfigError> {
        let example = format!(
            "a PostgreSQL URL like postgres://user:password@host:5432/{}",
            defaults.database
        );
        let database_url = env.required("DATABASE_URL", &format!("{example} (it is not set)"))?;
        let scheme_ok = ["postgres://", "postgresql://"]
            .iter()
            .any(|scheme| database_url.trim().starts_with(scheme));
        if !scheme_ok {
            return Err(ConfigError::new("DATABASE_URL", example));
        }
        let bind_addr = env
            .string_or("BIND_ADDR", defaults.bind_addr)
            .trim()
            .to_owned();
        if !is_host_port(&bind_addr) {
            return Err(ConfigError::new(
                "BIND_ADDR",
                format!("host:port, for example {}", defaults.bind_addr),
            ));
        }
        let db_pool_size = env.number("DB_POOL_SIZE", 10u32, "a whole number from 1 to 1000")?;
        if !(1..=1000).contains(&db_pool_size) {
            return Err(ConfigError::new(
                "DB_POOL_SIZE",
                "a whole number from 1 to 1000",
            ));
        }
        Ok(Self {
            database_url: database_url.trim().to_owned().into(),
            bind_addr,
            production: env.is_production()?,
            db_pool_size,
            shutdown_timeout: env.duration("SHUTDOWN_TIMEOUT", "30s")?,
            metrics_addr: metrics_listener::metrics_addr(env, defaults.metrics_addr)?,
        })
    }
}

/// `host:port` with a port number.
pub fn is_host_port(value: &str) -> bool {
    value
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok())
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("BIND_ADDR: cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("METRICS_ADDR: cannot listen on {addr}: {source}")]
    MetricsBind {
        addr: String,
        source: std::io::Error,
    },
    #[error("the server could not start: {0}")]
    Server(std::io::Error),
}

/// The headers a service adds to the CORS defaults (docs/COOKIES.md, CORS).
#[derive(Clone, Default)]
pub struct CorsHeaders {
    /// Request headers browsers may send beyond the defaults (`If-None-Match`, `Range`).
    pub allowed: Vec<HeaderName>,
    /// Response headers scripts may read beyond the defaults (`ETag`).
    pub exposed: Vec<HeaderName>,
}

/// The public listener, bound before anything slow happens, so a taken port fails the start at
/// once and a test asking for port 0 learns its port.
pub struct Listener {
    listener: TcpListener,
    port: u16,
}

impl Listener {
    pub fn bind(addr: &str) -> Result<Self, ServeError> {
        let bind_error = |source| ServeError::Bind {
            addr: addr.to_owned(),
            source,
        };
        let listener = TcpListener::bind(addr).map_err(bind_error)?;
        let port = listener.local_addr().map_err(bind_error)?.port();
        Ok(Self { listener, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

/// Everything a service starts with, apart from its routes and state.
pub struct Service<'a> {
    /// The name in the log lines, e.g. `auth-service`.
    pub name: &'static str,
    pub settings: &'a ServerSettings,
    pub allowed_origins: &'a [String],
    pub cors: CorsHeaders,
    pub metrics: web::Data<Metrics>,
    pub background: Background,
}

impl Service<'_> {
    /// Starts the metrics listener and serves `configure`'s routes and state on `listener`
    /// behind the middleware both services share, outermost first: request id, access log and
    /// metrics (`observe`) see every answer, the other middleware's included; then CORS, the
    /// security headers, and the 405 with `Allow` for a known path.
    pub fn serve<F>(self, listener: Listener, configure: F) -> Result<Application, ServeError>
    where
        F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    {
        let metrics_listener =
            MetricsListener::start_if(self.settings.metrics_addr.as_deref(), self.metrics.clone())
                .map_err(|(addr, source)| ServeError::MetricsBind { addr, source })?;
        let metrics = self.metrics;
        let origins = self.allowed_origins.to_vec();
        let cors = self.cors;
        let api_page = !self.settings.production;
        let stopping = self.background.stopping_trigger();
        let on_signal = stopping.clone();
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::method_not_allowed))
                .wrap(security_headers())
                .wrap(crate::cors(&origins, &cors.allowed, &cors.exposed))
                .wrap(from_fn(crate::observe))
                .app_data(metrics.clone())
                .app_data(request_errors::json_config(MAX_JSON_BYTES))
                .app_data(request_errors::payload_config(MAX_JSON_BYTES))
                .app_data(request_errors::path_config())
                .app_data(request_errors::query_config())
                .configure(configure.clone())
                .configure(|cfg| crate::api_docs::configure(cfg, api_page))
                .default_service(web::to(request_errors::not_found))
        })
        // Without it a response written in several pieces (a streamed photo) waits for the
        // client's delayed ACK: about 40 ms each (Nagle's algorithm; docs/PHOTOS.md, Serving).
        .tcp_nodelay(true)
        // SIGTERM: stop accepting, let in-flight requests finish for up to this long.
        .shutdown_timeout(self.settings.shutdown_timeout.as_secs())
        // The same signals actix would handle, raising `Background::stopping` first.
        .shutdown_signal(async move {
            stop_requested().await;
            on_signal.send_replace(true);
        })
        .listen(listener.listener)
        .map_err(ServeError::Server)?
        .run();
        log::info!(target: &log_target(self.name), "{} listening on port {}", self.name, listener.port);
        Ok(Application {
            name: self.name,
            port: listener.port,
            server,
            metrics_listener,
            background: self.background,
            shutdown_timeout: self.settings.shutdown_timeout,
            stopping,
        })
    }
}

/// The log target of the service's own lines: its crate's name (`auth_service`), so that
/// `RUST_LOG=auth_service=info` shows them, as it did when each service logged them itself.
/// Scripts read the port from the "listening on port" line (`scripts/api-fuzz.sh`).
fn log_target(name: &str) -> String {
    name.replace('-', "_")
}

/// A service that serves: what `main` runs and what the tests start on port 0.
pub struct Application {
    name: &'static str,
    port: u16,
    server: Server,
    metrics_listener: Option<MetricsListener>,
    background: Background,
    shutdown_timeout: Duration,
    stopping: Arc<watch::Sender<bool>>,
}

/// SIGTERM or Ctrl-C (SIGINT): a graceful stop.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Stops a running service from elsewhere (tests), as SIGTERM does: requests that wait on
/// purpose answer at once, then the server stops.
#[derive(Clone)]
pub struct StopHandle {
    server: ServerHandle,
    stopping: Arc<watch::Sender<bool>>,
}

impl StopHandle {
    /// Stops the server; `graceful` lets in-flight requests finish for up to `SHUTDOWN_TIMEOUT`.
    pub async fn stop(&self, graceful: bool) {
        self.stopping.send_replace(true);
        self.server.stop(graceful).await;
    }
}

impl Application {
    /// The port actually bound (useful when `BIND_ADDR` asked for port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, when `METRICS_ADDR` is not `off`.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_listener.as_ref().map(MetricsListener::port)
    }

    /// Stops the server from elsewhere (tests); SIGTERM does the same.
    pub fn handle(&self) -> StopHandle {
        StopHandle {
            server: self.server.handle(),
            stopping: self.stopping.clone(),
        }
    }

    /// Serves until the server stops (SIGTERM, SIGINT or [`Self::handle`]): it stops accepting
    /// and lets in-flight requests finish for up to `SHUTDOWN_TIMEOUT`; then the metrics
    /// listener and the background tasks stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(listener) = &self.metrics_listener {
            listener.stop().await;
        }
        self.background.stop(self.shutdown_timeout).await;
        log::info!(target: &log_target(self.name), "{} stopped", self.name);
        served
    }
}

/// The `serve` subcommand of both binaries: builds the service and serves until it stops. A
/// start that fails prints one line naming the cause and exits 1 (docs/OPERATIONS.md).
pub async fn serve_until_stopped<E: std::fmt::Display>(
    name: &str,
    built: impl std::future::Future<Output = Result<Application, E>>,
) -> std::process::ExitCode {
    let served = match built.await {
        Ok(app) => app.run_until_stopped().await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const DEFAULTS: Defaults = Defaults {
        bind_addr: "0.0.0.0:8080",
        metrics_addr: "127.0.0.1:9090",
        database: "auth",
    };

    fn read(vars: &[(&str, &str)]) -> Result<ServerSettings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ServerSettings::from_env(&Env::new(&|k| map.get(k).cloned()), &DEFAULTS)
    }

    #[test]
    fn defaults_apply_when_only_the_database_is_set() {
        let settings = read(&[("DATABASE_URL", "postgres://h/auth")]).unwrap();
        assert_eq!(settings.bind_addr, "0.0.0.0:8080");
        assert_eq!(settings.metrics_addr.as_deref(), Some("127.0.0.1:9090"));
        assert_eq!(settings.db_pool_size, 10);
        assert_eq!(settings.shutdown_timeout, Duration::from_secs(30));
        assert!(!settings.production);
    }

    #[test]
    fn bad_values_name_their_variable() {
        let db = ("DATABASE_URL", "postgres://h/auth");
        for (vars, var) in [
            (vec![], "DATABASE_URL"),
            (vec![("DATABASE_URL", "mysql://h/auth")], "DATABASE_URL"),
            (vec![db, ("BIND_ADDR", "8080")], "BIND_ADDR"),
            (vec![db, ("BIND_ADDR", ":8080")], "BIND_ADDR"),
            (vec![db, ("DB_POOL_SIZE", "0")], "DB_POOL_SIZE"),
            (vec![db, ("SHUTDOWN_TIMEOUT", "soon")], "SHUTDOWN_TIMEOUT"),
            (vec![db, ("METRICS_ADDR", "9090")], "METRICS_ADDR"),
        ] {
            assert_eq!(read(&vars).unwrap_err().var, var, "{vars:?}");
        }
    }

    #[test]
    fn a_taken_port_names_the_address() {
        let first = Listener::bind("127.0.0.1:0").unwrap();
        let taken = format!("127.0.0.1:{}", first.port());
        let refused = Listener::bind(&taken).err().unwrap();
        assert!(refused
            .to_string()
            .starts_with(&format!("BIND_ADDR: cannot listen on {taken}")));
    }
}
