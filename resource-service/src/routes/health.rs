use crate::db::{blocking, DbPool};
use crate::error::ApiError;
use actix_web::{web, HttpResponse};
use diesel::RunQueryDsl;
use serde_json::json;

pub async fn index() -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "service": "resource-service",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// The process serves.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers; 503 `unavailable` otherwise.
pub async fn readyz(pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    blocking(&pool, |conn| {
        diesel::sql_query("SELECT 1").execute(conn)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "status": "ready" })))
}
