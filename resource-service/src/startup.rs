//! Builds resource-service: the access-token check, the photo store and workers, the background
//! tasks and the routes, started through the server builder both services share
//! (docs/ARCHITECTURE.md, Startup).

use crate::config::Settings;
use crate::db;
use crate::jwks::{self, JwksKeys};
use crate::metrics::ResourceMetrics;
use crate::photos::{self, DecodeBudget, Photos, PrepareWorkers, UploadLimits};
use crate::profile::Profiles;
use crate::revocations::{self, FeedClient, FeedMetrics, RevocationList};
use crate::routes;
use crate::storage::{PhotoStore, StorageError};
use actix_web::http::header::{self, HeaderName};
use actix_web::web;
use secrecy::ExposeSecret;
use service_kit::database::{self, MigrateError};
use service_kit::server::{CorsHeaders, Listener, ServeError, Service};
use service_kit::{Background, Metrics};
use shared_tokens::{AccessClaims, AccessKeys, AccessPolicy, ACCESS_TYP};
use std::sync::Arc;
use uuid::Uuid;

pub use service_kit::server::Application;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Serve(#[from] ServeError),
    #[error(transparent)]
    Database(#[from] MigrateError),
    #[error("the access-token self-test failed (check ACCESS_TOKEN_ALG and its keys): {0}")]
    SelfTest(String),
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

/// Builds and starts the service; `run_until_stopped` on the answer serves.
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
    let revocations = settings.feed.as_ref().map(|feed| {
        let keep_for = settings.access.expiry + settings.access.leeway;
        let list = Arc::new(RevocationList::new(
            keep_for.as_secs() as i64,
            feed.stale_tokens,
        ));
        (FeedClient::new(feed), list)
    });
    match &revocations {
        Some((_, list)) => policy = policy.with_revocations(list.clone()),
        None => log::warn!(
            "EVENT_FEED_URL is not set: a revoked session's access tokens stay valid here until \
             they expire (docs/TOKENS.md, Revocation)"
        ),
    }
    let listener = Listener::bind(&settings.server.bind_addr)?;

    let store =
        PhotoStore::open(&settings.photo_store).map_err(|source| StartupError::PhotoStore {
            location: settings.photo_store.to_string(),
            source,
        })?;
    log::info!("photos are kept in {}", settings.photo_store);
    let server = &settings.server;
    let pool = database::pool(server.database_url.expose_secret(), server.db_pool_size);
    database::migrate_when_ready(&pool, db::SCHEMA).await?;
    let metrics = Metrics::new(pool.clone())?;
    let resource_metrics = ResourceMetrics::register(&metrics)?;
    let revocation_list = match revocations {
        Some((client, list)) => {
            let feed_metrics = FeedMetrics::register(&metrics)?;
            revocations::spawn(
                &mut background,
                client,
                list.clone(),
                pool.clone(),
                feed_metrics,
            );
            Some(web::Data::from(list))
        }
        None => None,
    };
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

    let limits = UploadLimits::new(
        settings.max_photo_bytes,
        settings.max_photos_per_user,
        uploads,
    )
    .requiring_verified_email(settings.require_verified_email);
    // The work, registered once each; the pool also on its own, for `/readyz`.
    let photos = web::Data::new(Photos::new(
        pool.clone(),
        store,
        limits,
        workers,
        resource_metrics,
    ));
    let profiles = web::Data::new(Profiles::new(pool.clone()));
    let pool = web::Data::new(pool);
    let policy = web::Data::new(policy);
    let service = Service {
        name: "resource-service",
        settings: server,
        allowed_origins: &settings.access.allowed_origins,
        cors: CorsHeaders {
            allowed: vec![header::IF_NONE_MATCH, header::RANGE, header::IF_RANGE],
            exposed: vec![
                header::ETAG,
                header::CONTENT_RANGE,
                HeaderName::from_static("x-user-id"),
                HeaderName::from_static("x-user-roles"),
            ],
        },
        metrics: web::Data::new(metrics),
        background,
    };
    let app = service.serve(listener, move |cfg| {
        cfg.app_data(photos.clone())
            .app_data(profiles.clone())
            .app_data(pool.clone())
            .app_data(policy.clone())
            .configure(routes::configure);
        if let Some(list) = &revocation_list {
            cfg.app_data(list.clone());
        }
    })?;
    Ok(app)
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
