use super::openapi::ApiErrorBody;
use crate::db::{blocking, DbPool};
use crate::error::ApiError;
use service_kit::StoreError;
use actix_web::{web, HttpResponse};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
struct ServiceInfo {
    /// `resource-service`.
    service: &'static str,
    version: &'static str,
}

/// `ok` from `/healthz`, `ready` from `/readyz`.
#[derive(Serialize, ToSchema)]
struct Status {
    status: &'static str,
}

/// The service name and version.
#[utoipa::path(get, path = "/", tag = "health", responses((status = 200, description = "Service name and version", body = ServiceInfo)))]
pub async fn index() -> HttpResponse {
    HttpResponse::Ok().json(ServiceInfo {
        service: "resource-service",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The process serves.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process serves", body = Status)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

/// The database answers; 503 `unavailable` otherwise.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, description = "The database answers", body = Status), (status = 500, description = "Internal error", body = ApiErrorBody), (status = 503, description = "Database unavailable", body = ApiErrorBody)))]
pub async fn readyz(pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let ping = blocking(&pool, |conn| {
        diesel::sql_query("SELECT 1").execute(conn)?;
        Ok(())
    });
    // A probe wants an answer within its own timeout, whatever the database does.
    actix_web::rt::time::timeout(service_kit::blocking::READY_WITHIN, ping)
        .await
        .map_err(|_| StoreError::Unavailable("readiness check timed out".into()))??;
    Ok(HttpResponse::Ok().json(Status { status: "ready" }))
}
