use crate::db::DbPool;
use crate::revocations::RevocationList;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use service_kit::openapi_responses::ServerErrors;
use service_kit::{DbError, ErrorBody};
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

/// Where the revocation list stands (docs/EVENTS.md, Readiness).
#[derive(Serialize, ToSchema)]
struct RevocationStatus {
    /// `following`: the feed answers; `unreachable`: it does not, and the last list is kept;
    /// `catching_up`: not yet read to its end since the start (the instance is not ready).
    feed: &'static str,
    /// Revoked sessions held.
    sessions: usize,
    /// Deleted accounts held.
    users: usize,
    /// Unix time up to which every revocation is in the list (0: not yet).
    complete_as_of: i64,
}

#[derive(Serialize, ToSchema)]
struct Readiness {
    status: &'static str,
    /// Only when the service follows auth-service's event feed (`EVENT_FEED_URL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    revocations: Option<RevocationStatus>,
}

fn revocation_status(list: &RevocationList) -> RevocationStatus {
    let standing = list.standing();
    RevocationStatus {
        feed: match (standing.caught_up, standing.reachable) {
            (false, _) => "catching_up",
            (true, true) => "following",
            (true, false) => "unreachable",
        },
        sessions: standing.sessions,
        users: standing.users,
        complete_as_of: standing.complete_as_of,
    }
}

// The database check and its answer are auth-service's: `service_kit::database::ready`.
/// The database answers and, when the feed is followed, the revocation list has caught up since
/// the start. A feed that became unreachable later keeps the instance ready, with the list it
/// has, and says so under `revocations`.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        ServerErrors,
    )
)]
pub async fn readyz(
    pool: web::Data<DbPool>,
    revocations: Option<web::Data<RevocationList>>,
) -> Result<HttpResponse, DbError> {
    service_kit::database::ready(&pool).await?;
    let revocations = revocations.map(|list| revocation_status(&list));
    if let Some(status) = &revocations {
        if status.feed == "catching_up" {
            let mut response = ErrorBody::new(
                "unavailable",
                "Not ready: the revocation list has not caught up with auth-service's event feed yet.",
            )
            .respond(StatusCode::SERVICE_UNAVAILABLE);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return Ok(response);
        }
    }
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready",
        revocations,
    }))
}
