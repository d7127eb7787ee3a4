//! HTTP handlers, one file or folder per concern, and the route table. Handlers only translate
//! HTTP: parse the request, run the work of `crate::photos` or `crate::profile` through
//! `db::blocking`, answer. Imports run one way: `openapi.rs` (the document) imports the handlers,
//! handlers import `schemas.rs` and `responses.rs`, and only this route table imports the
//! document.

mod health;
mod likes;
mod openapi;
mod photos;
mod profile;
mod refusals;
pub mod responses;
pub mod schemas;
mod whoami;

pub use photos::{PhotoLimits, PhotoView};

use crate::error::ApiError;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};
use uuid::Uuid;

/// One `web::resource` per path, holding every route of that path: a method the path does not
/// serve is then answered 405 with `Allow` (`service_kit::method_not_allowed`), where separate
/// `cfg.route` calls would let it fall through to the 404 of the default service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(health::index)))
        .service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/openapi.json").route(web::get().to(openapi::document)))
        .service(web::resource("/whoami").route(web::get().to(whoami::whoami)))
        .service(
            web::resource("/profile")
                .route(web::get().to(profile::handlers::get_profile))
                .route(web::patch().to(profile::handlers::patch_profile))
                .route(web::delete().to(profile::handlers::erase_profile)),
        )
        .service(
            web::resource("/photos")
                .route(web::get().to(photos::handlers::list))
                .route(web::post().to(photos::upload::upload)),
        )
        .service(
            web::resource("/photos/{id}")
                .route(web::get().to(photos::handlers::get))
                .route(web::delete().to(photos::handlers::delete)),
        )
        .service(
            web::resource("/photos/{id}/content").route(web::get().to(photos::handlers::content)),
        )
        .service(
            web::resource("/photos/{id}/like")
                .route(web::put().to(likes::like))
                .route(web::delete().to(likes::unlike)),
        );
}

/// Unknown routes: 404 `not_found` as JSON.
pub async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// The largest JSON body any endpoint takes.
const JSON_LIMIT: usize = 16 * 1024;

/// Malformed or oversized JSON renders as the error bodies of docs/API.md, not actix's plain text.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|error, _req: &HttpRequest| {
            let api = match &error {
                JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
                    "Send a JSON body with Content-Type: application/json.",
                ),
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => ApiError::PayloadTooLarge {
                    what: "JSON bodies",
                    limit: JSON_LIMIT,
                },
                JsonPayloadError::Deserialize(e) => {
                    ApiError::invalid(format!("The JSON body is not valid here: {e}."))
                }
                _ => ApiError::invalid("The JSON body could not be read."),
            };
            api.into()
        })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req: &HttpRequest| {
        ApiError::invalid(format!("The query string is not valid here: {error}.")).into()
    })
}

/// Path parameters are ids: one that does not parse names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_error: PathError, _req: &HttpRequest| ApiError::NotFound.into())
}

/// A photo id from the path; a malformed one is simply not found.
fn photo_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::try_parse(raw).map_err(|_| ApiError::NotFound)
}
