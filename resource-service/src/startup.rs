//! Builds the application: binds the listener, reaches and migrates the database, self-tests the
//! access-token keys, and wires routes and middleware.

use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::jwks::{self, JwksKeys};
use crate::metrics::ResourceMetrics;
use crate::photos::{self, DecodeBudget, PrepareWorkers, ServingCaches};
use crate::routes::{self, PhotoLimits};
use crate::storage::{PhotoStore, StorageError};
use actix_web::dev::Server;
use actix_web::http::header::{self, HeaderName};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use secrecy::ExposeSecret;
use service_kit::database::{self, MigrateError};
use service_kit::headers::security_headers;
use service_kit::request_errors::{self, MAX_JSON_BYTES};
use service_kit::{Background, Metrics, MetricsListener};
use shared_tokens::{AccessClaims, AccessKeys, AccessPolicy, ACCESS_TYP};
use std::net::TcpListener;
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("BIND_ADDR: cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Database(#[from] MigrateError),
    #[error("the access-token self-test failed (check ACCESS_TOKEN_ALG and its keys): {0}")]
    SelfTest(String),
    #[error("the server could not start: {0}")]
    Server(std::io::Error),
    #[error("metrics could not be set up: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("the photo worker threads could not be started: {0}")]
    Workers(rayon::ThreadPoolBuildError),
    #[error("PHOTO_STORE: the photo store {location} cannot be opened: {source}")]
    PhotoStore {
        location: String,
        source: StorageError,
    },
}

pub struct Application {
    port: u16,
    server: Server,
    metrics_listener: Option<MetricsListener>,
    background: Background,
    shutdown_timeout: std::time::Duration,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        let mut policy = AccessPolicy::from_config(&settings.access);
        self_test(&settings.access.keys, &policy)?;
        let mut background = Background::new();
        if let AccessKeys::Ed25519Verifying {
            public,
            jwks_url: Some(url),
        } = &settings.access.keys
        {
            let keys = Arc::new(JwksKeys::new(
                url.clone(),
                public.clone(),
                policy.verifier.key_slot(),
                settings.jwks_min_refetch_interval,
            ));
            jwks::start(
                keys.clone(),
                settings.jwks_refresh_interval,
                &mut background,
            )
            .await;
            policy = policy.with_refetch(keys);
        }

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

        let store =
            PhotoStore::open(&settings.photo_store).map_err(|source| StartupError::PhotoStore {
                location: settings.photo_store.to_string(),
                source,
            })?;
        log::info!("photos are kept in {}", settings.photo_store);
        let pool = database::pool(settings.database_url.expose_secret(), settings.db_pool_size);
        database::migrate_when_ready(&pool, db::SCHEMA).await?;
        let metrics = web::Data::new(Metrics::new(pool.clone())?);
        let resource_metrics = ResourceMetrics::register(&metrics)?;
        let uploads = &settings.uploads;
        let budget = DecodeBudget::new(
            uploads.decode_memory,
            resource_metrics.decode_memory_reserved.clone(),
        );
        let workers = PrepareWorkers::new(
            uploads.workers,
            budget,
            resource_metrics.prepares_running.clone(),
        )
        .map_err(StartupError::Workers)?;
        log::info!(
            "photos are prepared on {} threads, decoding within {} MiB together",
            uploads.workers,
            uploads.decode_memory >> 20
        );
        photos::spawn_move_out(
            &mut background,
            pool.clone(),
            store.clone(),
            workers.clone(),
        );
        photos::spawn_cleanup(
            &mut background,
            pool.clone(),
            store.clone(),
            settings.photo_orphan_grace,
        );

        let metrics_listener =
            MetricsListener::start_if(settings.metrics_addr.as_deref(), metrics.clone())
                .map_err(|(addr, source)| StartupError::Bind { addr, source })?;
        let served = Served {
            workers,
            pool,
            store,
            policy,
            metrics,
            resource_metrics,
        };
        let server = serve(listener, served, &settings).map_err(StartupError::Server)?;
        Ok(Application {
            port,
            server,
            metrics_listener,
            background,
            shutdown_timeout: settings.shutdown_timeout,
        })
    }

    /// The port actually bound (useful when `BIND_ADDR` asked for port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, when `METRICS_ADDR` is not `off`.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_listener.as_ref().map(MetricsListener::port)
    }

    /// Stops the server from elsewhere (tests); SIGTERM does the same.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops: on SIGTERM it stops accepting and lets in-flight requests
    /// finish for up to `SHUTDOWN_TIMEOUT`.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(listener) = &self.metrics_listener {
            listener.stop().await;
        }
        self.background.stop(self.shutdown_timeout).await;
        log::info!("resource-service stopped");
        served
    }
}

/// With a shared secret, signs and verifies one token, so a broken setup stops the start. With
/// public keys there is nothing to sign with: they were checked when the configuration was read.
fn self_test(keys: &AccessKeys, policy: &AccessPolicy) -> Result<(), StartupError> {
    let Some(signer) = keys.signer() else {
        return Ok(());
    };
    let verifier = &policy.verifier;
    let now = shared_tokens::now_unix();
    let claims = AccessClaims {
        iss: verifier.issuer().to_owned(),
        aud: verifier.audience().to_owned(),
        sub: Uuid::nil(),
        sid: Uuid::nil(),
        jti: Uuid::new_v4(),
        iat: now,
        exp: now + verifier.lifetime().as_secs() as i64,
        username: "self-test".to_owned(),
        email: "self-test@invalid".to_owned(),
        name: "Self Test".to_owned(),
        roles: Vec::new(),
        email_verified: false,
        auth_time: Some(now),
    };
    let token = signer
        .sign(ACCESS_TYP, &claims)
        .map_err(|e| StartupError::SelfTest(e.to_string()))?;
    match verifier.verify::<AccessClaims>(&token) {
        Ok(back) if back == claims => Ok(()),
        Ok(_) => Err(StartupError::SelfTest("claims came back changed".into())),
        Err(reason) => Err(StartupError::SelfTest(format!("token rejected: {reason}"))),
    }
}

/// What every worker shares.
struct Served {
    workers: PrepareWorkers,
    pool: DbPool,
    store: PhotoStore,
    policy: AccessPolicy,
    metrics: web::Data<Metrics>,
    resource_metrics: ResourceMetrics,
}

fn serve(listener: TcpListener, served: Served, settings: &Settings) -> std::io::Result<Server> {
    let metrics = served.metrics;
    let resource_metrics = web::Data::new(served.resource_metrics);
    let pool = web::Data::new(served.pool);
    let store = web::Data::new(served.store);
    let caches = web::Data::new(ServingCaches::default());
    let policy = web::Data::new(served.policy);
    let limits = web::Data::new(
        PhotoLimits::new(
            settings.max_photo_bytes,
            settings.max_photos_per_user,
            &settings.uploads,
            served.workers,
        )
        .requiring_verified_email(settings.require_verified_email),
    );
    let allowed_origins = settings.access.allowed_origins.clone();
    let api_page = !settings.production;
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(service_kit::method_not_allowed))
            .wrap(security_headers())
            .wrap(service_kit::cors(
                &allowed_origins,
                &[header::IF_NONE_MATCH, header::RANGE, header::IF_RANGE],
                &[
                    header::ETAG,
                    header::CONTENT_RANGE,
                    HeaderName::from_static("x-user-id"),
                    HeaderName::from_static("x-user-roles"),
                ],
            ))
            // Outermost: request id, access log and metrics for every answer.
            .wrap(from_fn(service_kit::observe))
            .app_data(metrics.clone())
            .app_data(resource_metrics.clone())
            .app_data(pool.clone())
            .app_data(store.clone())
            .app_data(caches.clone())
            .app_data(policy.clone())
            .app_data(limits.clone())
            .app_data(request_errors::json_config(MAX_JSON_BYTES))
            .app_data(request_errors::payload_config(MAX_JSON_BYTES))
            .app_data(request_errors::query_config())
            .app_data(request_errors::path_config())
            .configure(routes::configure)
            .configure(|cfg| service_kit::api_docs::configure(cfg, api_page))
            .default_service(web::to(request_errors::not_found))
    })
    // SIGTERM: stop accepting, let in-flight requests finish for up to this long.
    // Without it a response written in several pieces (a streamed photo) waits for the client's
    // delayed ACK: about 40 ms each (Nagle's algorithm; docs/PHOTOS.md, Serving).
    .tcp_nodelay(true)
    .shutdown_timeout(settings.shutdown_timeout.as_secs())
    .listen(listener)?
    .run();
    Ok(server)
}
