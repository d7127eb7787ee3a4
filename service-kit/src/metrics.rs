//! Prometheus metrics: one registry per application (so tests that run several apps in one
//! process see only their own figures), the HTTP metrics every service has, and `GET /metrics`.
//! Each service registers its own domain counters in the same registry.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use prometheus::core::Collector;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// Request latency buckets in seconds: from a cached token check (sub-millisecond) to a slow
/// upload or a bcrypt login.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// What a connection pool reports at scrape time.
pub trait PoolStats: Send + Sync {
    /// (open connections, idle connections, maximum size)
    fn stats(&self) -> (u32, u32, u32);
}

impl<M: r2d2::ManageConnection> PoolStats for r2d2::Pool<M> {
    fn stats(&self) -> (u32, u32, u32) {
        let state = self.state();
        (state.connections, state.idle_connections, self.max_size())
    }
}

/// The metrics registry of one application.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    tokens_rejected: IntCounterVec,
    pool: Box<dyn PoolStats>,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    malformed: IntCounter,
}

impl Metrics {
    /// The HTTP, token and pool metrics; `pool` is read at every scrape.
    pub fn new(pool: impl PoolStats + 'static) -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from request to response head",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route", "status"],
        )?;
        let tokens_rejected = IntCounterVec::new(
            Opts::new("tokens_rejected_total", "Tokens refused, by reason"),
            &["reason"],
        )?;
        let pool_connections = IntGauge::new(
            "db_pool_connections",
            "Open database connections in the pool",
        )?;
        let pool_idle = IntGauge::new("db_pool_idle_connections", "Idle pooled connections")?;
        let pool_max = IntGauge::new("db_pool_max_connections", "The pool's maximum size")?;
        let malformed = IntCounter::new(
            "http_malformed_requests_total",
            "Requests the HTTP layer refused as unparseable (bad header bytes, bad request line), \
             since the process started",
        )?;
        let metrics = Self {
            registry,
            requests,
            latency,
            tokens_rejected,
            pool: Box::new(pool),
            pool_connections,
            pool_idle,
            pool_max,
            malformed,
        };
        metrics.register(metrics.requests.clone())?;
        metrics.register(metrics.latency.clone())?;
        metrics.register(metrics.tokens_rejected.clone())?;
        metrics.register(metrics.pool_connections.clone())?;
        metrics.register(metrics.pool_idle.clone())?;
        metrics.register(metrics.pool_max.clone())?;
        metrics.register(metrics.malformed.clone())?;
        Ok(metrics)
    }

    /// Adds a service's own collector (a domain counter) to this registry.
    pub fn register<C: Collector + 'static>(&self, collector: C) -> Result<(), prometheus::Error> {
        self.registry.register(Box::new(collector))
    }

    /// Counts one answered request. `route` must be a route template, never a raw path, so the
    /// number of series stays bounded.
    pub fn observe_request(&self, method: &str, route: &str, status: StatusCode, seconds: f64) {
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// Counts one refused token; `reason` is a short stable label.
    pub fn token_rejected(&self, reason: &str) {
        self.tokens_rejected.with_label_values(&[reason]).inc();
    }

    /// The Prometheus text exposition of everything registered.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let (connections, idle, max) = self.pool.stats();
        self.pool_connections.set(i64::from(connections));
        self.pool_idle.set(i64::from(idle));
        self.pool_max.set(i64::from(max));
        let malformed = crate::logging::malformed_requests();
        self.malformed
            .inc_by(malformed.saturating_sub(self.malformed.get()));
        let mut out = Vec::with_capacity(8 * 1024);
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        String::from_utf8(out).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

/// `GET /metrics`: the Prometheus text format. Needs `web::Data<Metrics>`. Meant for the
/// operator's scraper: keep it off the public internet (it reveals traffic, not secrets).
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text exposition: http_requests_total and http_request_duration_seconds by method, route template and status; tokens_rejected_total by reason; db_pool_* gauges; the service's domain counters", content_type = "text/plain")))]
pub async fn endpoint(metrics: web::Data<Metrics>) -> HttpResponse {
    match metrics.render() {
        Ok(text) => HttpResponse::Ok()
            .insert_header((
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(text),
        Err(error) => {
            log::error!("metrics could not be rendered: {error}");
            HttpResponse::InternalServerError().finish()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FixedPool;
    impl PoolStats for FixedPool {
        fn stats(&self) -> (u32, u32, u32) {
            (3, 2, 10)
        }
    }

    #[test]
    fn the_exposition_has_requests_tokens_and_pool() {
        let metrics = Metrics::new(FixedPool).unwrap();
        metrics.observe_request("GET", "/photos/{id}", StatusCode::OK, 0.003);
        metrics.observe_request("GET", "/photos/{id}", StatusCode::OK, 0.004);
        metrics.token_rejected("expired");
        let text = metrics.render().unwrap();
        assert!(text
            .contains(r#"http_requests_total{method="GET",route="/photos/{id}",status="200"} 2"#));
        assert!(text.contains(
            r#"http_request_duration_seconds_bucket{method="GET",route="/photos/{id}",status="200",le="0.005"} 2"#
        ));
        assert!(text.contains(r#"tokens_rejected_total{reason="expired"} 1"#));
        assert!(text.contains("db_pool_connections 3"));
        assert!(text.contains("db_pool_idle_connections 2"));
        assert!(text.contains("db_pool_max_connections 10"));
    }
}
