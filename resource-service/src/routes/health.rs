use crate::db::DbPool;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use service_kit::openapi_responses::ServerErrors;
use service_kit::DbError;
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
#[utoipa::path(
    get,
    path = "/",
    tag = "health",
    responses(
        (status = 200, description = "Service name and version", body = ServiceInfo),
    )
)]
pub async fn index() -> HttpResponse {
    HttpResponse::Ok().json(ServiceInfo {
        service: "resource-service",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The process serves.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses(
        (status = 200, description = "The process serves", body = Status),
    )
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

// The same check and the same answer as auth-service's: `service_kit::database::ready`.
/// The database answers; 503 `unavailable` with `Retry-After` otherwise.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "The database answers", body = Status),
        ServerErrors,
    )
)]
pub async fn readyz(pool: web::Data<DbPool>) -> Result<HttpResponse, DbError> {
    service_kit::database::ready(&pool).await?;
    Ok(HttpResponse::Ok().json(Status { status: "ready" }))
}
