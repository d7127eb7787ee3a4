use crate::db::{self, PgPool};
use crate::error::ApiError;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub async fn index() -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "service": "auth-service",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// The process serves.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The database answers; 503 `unavailable` otherwise.
pub async fn readyz(pool: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    db::blocking(&pool, db::ping).await?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready"})))
}
