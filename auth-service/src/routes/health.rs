use crate::db::PgPool;
use actix_web::{web, HttpResponse};
use serde_json::json;
use service_kit::openapi_responses::ServerErrors;
use service_kit::DbError;

/// The service's name and version.
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

// The same check and the same answer as resource-service's: `service_kit::database::ready`.
/// The database answers; 503 `unavailable` with `Retry-After` otherwise.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses((status = 200, description = "The database answers"), ServerErrors)
)]
pub async fn readyz(pool: web::Data<PgPool>) -> Result<HttpResponse, DbError> {
    service_kit::database::ready(&pool).await?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready"})))
}
