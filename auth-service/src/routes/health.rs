use crate::db::{self, PgPool};
use crate::error::ApiError;
use actix_web::{web, HttpResponse};
use serde_json::json;
use service_kit::openapi::ApiErrorBody;
use service_kit::StoreError;

#[utoipa::path(
    get,
    path = "/",
    tag = "health",
    responses((status = 200, description = "Service name and version"))
)]
pub async fn index() -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "service": "auth-service",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// The process serves.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses((status = 200, description = "The process serves"))
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The database answers; 503 `unavailable` otherwise.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "The database answers"),
        (status = 503, description = "Database unavailable", body = ApiErrorBody),
    )
)]
pub async fn readyz(pool: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    // A probe wants an answer within its own timeout, whatever the database does.
    actix_web::rt::time::timeout(
        service_kit::blocking::READY_WITHIN,
        db::blocking(&pool, |conn| Ok::<_, StoreError>(db::ping(conn)?)),
    )
    .await
    .map_err(|_| StoreError::Unavailable("readiness check timed out".into()))??;
    Ok(HttpResponse::Ok().json(json!({"status": "ready"})))
}
