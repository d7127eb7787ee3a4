//! HTTP handlers, one file or folder per concern, and the route table. Handlers only translate
//! HTTP: they take what the extractors of `crate::http` read (the caller, the photo id, the
//! query, the body), make one call on `Photos` or `Profiles` (`crate::photos`, `crate::profile`,
//! registered once as app data by `startup.rs`) and turn its answer into a response; a refusal
//! becomes an `ApiError` through `refusals.rs`. Imports run one way: `openapi.rs` (the document)
//! imports the handlers, handlers import `schemas.rs` and `responses.rs`, and only this route
//! table imports the document.

mod health;
mod likes;
mod openapi;
mod photos;
mod profile;
mod refusals;
pub mod responses;
pub mod schemas;
mod whoami;

pub use photos::PhotoView;

use crate::http::upload_body::guard_upload_body;
use actix_web::middleware::from_fn;
use actix_web::web;

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
                .route(
                    web::post()
                        .to(photos::upload::upload)
                        .wrap(from_fn(guard_upload_body)),
                ),
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
            web::resource("/photos/{id}/thumbnail")
                .route(web::get().to(photos::handlers::thumbnail)),
        )
        .service(
            web::resource("/photos/{id}/like")
                .route(web::put().to(likes::like))
                .route(web::delete().to(likes::unlike)),
        );
}
