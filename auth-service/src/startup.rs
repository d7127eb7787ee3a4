//! Builds the application: pool, migrations, key self-test, HTTP server. Tests build the same
//! `Application` on port 0.

use crate::account::Accounts;
use crate::cleanup::{self, Retention};
use crate::config::Settings;
use crate::db;
use crate::http::rate_limit::RateLimiters;
use crate::issuer::Issuer;
use crate::mail::{self, Outbox, Transport};
use crate::metrics::AuthMetrics;
use crate::password_hashing::PasswordHasher;
use crate::password_work::PasswordWork;
use crate::routes;
use crate::sessions::throttle::ThrottlePolicy;
use crate::sessions::Sessions;
use actix_web::dev::Server;
use actix_web::http::header::HeaderName;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use secrecy::ExposeSecret;
use service_kit::database::{self, MigrateError};
use service_kit::headers::security_headers;
use service_kit::request_errors::{self, MAX_JSON_BYTES};
use service_kit::{Background, Metrics, MetricsListener};
use shared_tokens::AccessPolicy;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Database(#[from] MigrateError),
    #[error("token self-test failed: {0}")]
    SelfTest(String),
    #[error("metrics could not be set up: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("mail cannot be sent: {0}")]
    Mail(String),
}

pub struct Application {
    port: u16,
    server: Server,
    metrics_listener: Option<MetricsListener>,
    background: Background,
    shutdown_timeout: Duration,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let access = web::Data::new(AccessPolicy::from_config(&settings.access));
        let issuer = Issuer::new(&settings, access.clone())
            .ok_or_else(|| StartupError::SelfTest("no key to sign access tokens with".into()))?;
        let issuer = Arc::new(issuer);
        issuer.self_test().map_err(StartupError::SelfTest)?;

        let pool = database::pool(settings.database_url.expose_secret(), settings.db_pool_size);
        database::migrate_when_ready(&pool, db::SCHEMA).await?;
        let metrics = Metrics::new(pool.clone())?;
        let auth_metrics = Arc::new(AuthMetrics::register(&metrics)?);
        let metrics = web::Data::new(metrics);
        let metrics_listener =
            MetricsListener::start_if(settings.metrics_addr.as_deref(), metrics.clone())
                .map_err(|(addr, source)| StartupError::Bind { addr, source })?;

        let hasher = PasswordHasher::new(settings.bcrypt_cost);
        hasher.warm_up();
        let password_work = PasswordWork::new(hasher, settings.password_work);

        let listener =
            TcpListener::bind(&settings.bind_addr).map_err(|source| StartupError::Bind {
                addr: settings.bind_addr.clone(),
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: settings.bind_addr.clone(),
                source,
            })?
            .port();

        let limiters = settings
            .rate_limit
            .map(|limit| web::Data::new(RateLimiters::new(limit, settings.rate_limit_burst)));
        if limiters.is_none() {
            log::warn!("RATE_LIMIT_PER_IP=0: per-address rate limits are OFF");
        }
        let mut background = Background::new();
        cleanup::spawn(
            &mut background,
            pool.clone(),
            Retention {
                sessions_and_tokens: settings.cleanup_retention,
                audit_events: settings.audit_retention,
            },
            settings.cleanup_interval,
            limiters.clone(),
        );
        let outbox = Outbox::new(settings.mail.clone());
        let transport = Transport::build(&settings.mail).map_err(StartupError::Mail)?;
        mail::spawn(
            &mut background,
            pool.clone(),
            outbox.clone(),
            transport,
            auth_metrics.clone(),
        );
        let proxies = web::Data::new(settings.trusted_proxies.clone());
        let throttle = ThrottlePolicy {
            max_failures: settings.login_max_failures,
        };
        let sessions = Sessions::new(pool.clone(), issuer.clone(), auth_metrics.clone());
        let accounts = web::Data::new(Accounts::new(
            pool.clone(),
            password_work,
            throttle,
            sessions.clone(),
            auth_metrics.clone(),
            outbox,
        ));
        let sessions = web::Data::new(sessions);
        let issuer = web::Data::from(issuer);
        let auth_metrics = web::Data::from(auth_metrics);
        let pool = web::Data::new(pool);
        let allowed_origins = settings.access.allowed_origins.clone();
        let api_page = !settings.production;
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(service_kit::method_not_allowed))
                .wrap(security_headers())
                .wrap(service_kit::cors(
                    &allowed_origins,
                    &[],
                    &[
                        HeaderName::from_static("x-user-id"),
                        HeaderName::from_static("x-user-roles"),
                    ],
                ))
                // Outermost: it sees every answer, the other middleware's included.
                .wrap(from_fn(service_kit::observe))
                .app_data(metrics.clone())
                .app_data(auth_metrics.clone())
                .app_data(access.clone())
                .app_data(proxies.clone())
                .app_data(issuer.clone())
                .app_data(sessions.clone())
                .app_data(accounts.clone())
                .app_data(pool.clone())
                .app_data(limiters.clone())
                .app_data(request_errors::json_config(MAX_JSON_BYTES))
                .app_data(request_errors::payload_config(MAX_JSON_BYTES))
                .app_data(request_errors::path_config())
                .app_data(request_errors::query_config())
                .configure(routes::configure)
                .configure(|cfg| service_kit::api_docs::configure(cfg, api_page))
                .default_service(web::to(request_errors::not_found))
        })
        // SIGTERM: stop accepting, let in-flight requests finish for up to this long.
        // Without it a response written in several pieces (a streamed photo) waits for the client's
        // delayed ACK: about 40 ms each (Nagle's algorithm; docs/PHOTOS.md, Serving).
        .tcp_nodelay(true)
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: settings.bind_addr.clone(),
            source,
        })?
        .run();
        log::info!("auth-service listening on port {port}");
        Ok(Self {
            port,
            server,
            metrics_listener,
            background,
            shutdown_timeout: settings.shutdown_timeout,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, when `METRICS_ADDR` is not `off`.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_listener.as_ref().map(MetricsListener::port)
    }

    /// Stops the server from elsewhere (tests; graceful shutdown).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops (SIGTERM, SIGINT or [`Self::handle`]), then stops the
    /// background tasks.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(listener) = &self.metrics_listener {
            listener.stop().await;
        }
        self.background.stop(self.shutdown_timeout).await;
        log::info!("auth-service stopped");
        served
    }
}
