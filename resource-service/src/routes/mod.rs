//! HTTP handlers, one file per concern, and the route table. Handlers are thin: extract, call
//! the database through `db::blocking`, map to a response.

mod health;
mod likes;
pub mod openapi;
mod photos;
mod profile;
mod upload;
mod whoami;

pub use photos::PhotoView;
pub use upload::PhotoLimits;

use crate::error::ApiError;
use actix_web::web;
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
                .route(web::get().to(profile::get_profile))
                .route(web::patch().to(profile::patch_profile))
                .route(web::delete().to(profile::erase_profile)),
        )
        .service(
            web::resource("/photos")
                .route(web::get().to(photos::list))
                .route(web::post().to(upload::upload)),
        )
        .service(
            web::resource("/photos/{id}")
                .route(web::get().to(photos::get))
                .route(web::delete().to(photos::delete)),
        )
        .service(web::resource("/photos/{id}/content").route(web::get().to(photos::content)))
        .service(
            web::resource("/photos/{id}/like")
                .route(web::put().to(likes::like))
                .route(web::delete().to(likes::unlike)),
        );
}

/// A photo id from the path; a malformed one is simply not found.
fn photo_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::try_parse(raw).map_err(|_| ApiError::NotFound)
}
