//! Builds auth-service: its state, its background tasks and its routes, started through the
//! server builder both services share (docs/ARCHITECTURE.md, Startup). Tests build the same
//! `Application` on port 0.

use crate::account::throttle::ThrottlePolicy;
use crate::account::Accounts;
use crate::cleanup::{self, Retention};
use crate::config::Settings;
use crate::db;
use crate::events::EventFeed;
use crate::http::rate_limit::RateLimiters;
use crate::issuer::{Issuer, IssuerSettings};
use crate::mail::{self, Outbox, Transport};
use crate::metrics::AuthMetrics;
use crate::password_hashing::PasswordHasher;
use crate::password_work::PasswordWork;
use crate::routes;
use crate::routes::events::FeedAccess;
use crate::sessions::Sessions;
use crate::webhooks::{self, WebhookStartError};
use actix_web::http::header::HeaderName;
use actix_web::web;
use secrecy::ExposeSecret;
use service_kit::database::{self, MigrateError};
use service_kit::server::{CorsHeaders, Listener, ServeError, Service};
use service_kit::{Background, Metrics};
use shared_tokens::AccessPolicy;
use std::sync::Arc;

pub use service_kit::server::Application;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Serve(#[from] ServeError),
    #[error(transparent)]
    Database(#[from] MigrateError),
    #[error("token self-test failed: {0}")]
    SelfTest(String),
    #[error("metrics could not be set up: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("mail cannot be sent: {0}")]
    Mail(String),
    #[error(transparent)]
    Webhooks(#[from] WebhookStartError),
}

/// The part of the configuration the issuer works with.
pub fn issuer_settings(settings: &Settings) -> IssuerSettings<'_> {
    IssuerSettings {
        access: &settings.access,
        refresh_secret: &settings.refresh_secret,
        refresh_previous_secrets: &settings.refresh_previous_secrets,
        refresh_expiry: settings.refresh_expiry,
        session_max_lifetime: settings.session_max_lifetime,
        reuse_grace: settings.refresh_reuse_grace,
    }
}

/// Builds and starts the service; `run_until_stopped` on the answer serves.
pub async fn build(settings: Settings) -> Result<Application, StartupError> {
    let access = Arc::new(AccessPolicy::from_config(&settings.access));
    let issuer = Issuer::new(issuer_settings(&settings), access.clone())
        .ok_or_else(|| StartupError::SelfTest("no key to sign access tokens with".into()))?;
    let issuer = Arc::new(issuer);
    issuer.self_test().map_err(StartupError::SelfTest)?;
    let listener = Listener::bind(&settings.server.bind_addr)?;

    let server = &settings.server;
    let pool = database::pool(server.database_url.expose_secret(), server.db_pool_size);
    database::migrate_when_ready(&pool, db::SCHEMA).await?;
    let metrics = Metrics::new(pool.clone())?;
    let auth_metrics = Arc::new(AuthMetrics::register(&metrics)?);

    let hasher = PasswordHasher::new(settings.bcrypt_cost);
    hasher.warm_up();
    let password_work = PasswordWork::new(hasher, settings.password_work);

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
            events: settings.events.retention,
        },
        settings.cleanup_interval,
        limiters.clone(),
    );
    let feed = EventFeed::start(pool.clone(), &mut background);
    webhooks::start(
        &mut background,
        pool.clone(),
        feed.clone(),
        &settings.webhooks,
        auth_metrics.clone(),
    )
    .await?;
    let events = web::Data::new(feed);
    let feed_access = settings
        .events
        .feed_secret
        .as_ref()
        .map(|secret| web::Data::new(FeedAccess::new(secret)));
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
    let access = web::Data::from(access);
    let auth_metrics = web::Data::from(auth_metrics);
    let pool = web::Data::new(pool);
    let service = Service {
        name: "auth-service",
        settings: server,
        allowed_origins: &settings.access.allowed_origins,
        cors: CorsHeaders {
            allowed: Vec::new(),
            exposed: vec![
                HeaderName::from_static("x-user-id"),
                HeaderName::from_static("x-user-roles"),
            ],
        },
        metrics: web::Data::new(metrics),
        background,
    };
    let app = service.serve(listener, move |cfg| {
        cfg.app_data(auth_metrics.clone())
            .app_data(access.clone())
            .app_data(proxies.clone())
            .app_data(issuer.clone())
            .app_data(sessions.clone())
            .app_data(accounts.clone())
            .app_data(pool.clone())
            .app_data(limiters.clone())
            .app_data(events.clone())
            .configure(routes::configure);
        if let Some(access) = &feed_access {
            cfg.app_data(access.clone());
        }
    })?;
    Ok(app)
}
