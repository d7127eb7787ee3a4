//! `GET /metrics` on a listener of its own (`METRICS_ADDR`), never on the public port: the
//! exposition tells anyone who reads it how much traffic each route gets, and a scraper is the
//! only client it is for. The default is loopback; a deployment opens it to its scraper's
//! network only (docs/OPERATIONS.md, Metrics).

use crate::env::{ConfigError, Env};
use crate::metrics::{endpoint, Metrics};
use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;

/// Reads `METRICS_ADDR`: `host:port`, or `off` to serve no metrics at all.
pub fn metrics_addr(env: &Env, default: &str) -> Result<Option<String>, ConfigError> {
    let value = env.string_or("METRICS_ADDR", default).trim().to_owned();
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let valid = value
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if !valid {
        return Err(ConfigError::new(
            "METRICS_ADDR",
            "host:port (for example 127.0.0.1:9090), or off",
        ));
    }
    Ok(Some(value))
}

/// The running metrics server.
pub struct MetricsListener {
    port: u16,
    handle: ServerHandle,
}

impl MetricsListener {
    /// Binds `addr` and serves `/metrics` from `metrics` on one worker. It ignores signals: the
    /// service stops it with [`Self::stop`] once the public server has drained.
    pub fn start(addr: &str, metrics: web::Data<Metrics>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let port = listener.local_addr()?.port();
        let server: Server = HttpServer::new(move || {
            App::new()
                .app_data(metrics.clone())
                .route("/metrics", web::get().to(endpoint))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        let handle = server.handle();
        // `tokio::spawn`, not `spawn_local`: the caller may run on a plain tokio runtime (tests).
        tokio::spawn(server);
        log::info!("metrics on {addr} (port {port})");
        Ok(Self { port, handle })
    }

    /// Starts the listener when `addr` is set (`METRICS_ADDR` not `off`); on failure, the address
    /// that could not be bound and why.
    pub fn start_if(
        addr: Option<&str>,
        metrics: web::Data<Metrics>,
    ) -> Result<Option<Self>, (String, std::io::Error)> {
        addr.map(|addr| Self::start(addr, metrics).map_err(|e| (addr.to_owned(), e)))
            .transpose()
    }

    /// The port actually bound (tests ask for port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}
