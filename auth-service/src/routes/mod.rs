//! The handlers, one file per concern, and the route table. A handler only translates HTTP:
//! it takes what the extractors parsed, calls `account` or `sessions`, and turns the result
//! into a response (errors through `crate::error`).

mod email_change;
pub mod events;
mod health;
mod jwks;
mod login;
mod logout;
mod me;
pub mod openapi;
mod password_change;
mod reauthenticate;
mod recovery;
mod refresh;
mod register;
mod responses;
mod sessions;

use crate::http::rate_limit;
use actix_web::middleware::from_fn;
use actix_web::web;

/// The per-address limit on one route, as route middleware: it runs once routing has chosen the
/// handler, so no other spelling of the path reaches the handler unlimited.
macro_rules! limited {
    ($route:expr, $name:literal) => {
        $route.wrap(from_fn(|req, next| rate_limit::limit($name, req, next)))
    };
}

/// One `web::resource` per path, holding every route of that path: a method the path does not
/// serve is then answered 405 with `Allow` (`service_kit::method_not_allowed`), where separate
/// `cfg.route` calls would let it fall through to the 404 of the default service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(health::index)))
        .service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/openapi.json").route(web::get().to(openapi::document)))
        .service(web::resource("/.well-known/jwks.json").route(web::get().to(jwks::jwks)))
        .service(web::resource("/events").route(web::get().to(events::feed)))
        .service(
            web::resource("/auth/register")
                .route(limited!(web::post().to(register::register), "register")),
        )
        .service(
            web::resource("/auth/login").route(limited!(web::post().to(login::login), "login")),
        )
        .service(
            web::resource("/auth/refresh")
                .route(limited!(web::post().to(refresh::refresh), "refresh")),
        )
        .service(web::resource("/auth/logout").route(web::post().to(logout::logout)))
        .service(web::resource("/auth/logout-all").route(web::post().to(logout::logout_all)))
        .service(web::resource("/auth/sessions").route(web::get().to(sessions::list)))
        .service(web::resource("/auth/sessions/{id}").route(web::delete().to(sessions::revoke)))
        .service(
            web::resource("/auth/me")
                .route(web::get().to(me::show))
                .route(limited!(web::patch().to(me::update), "profile"))
                .route(limited!(web::delete().to(me::delete), "delete_account")),
        )
        .service(web::resource("/auth/reauthenticate").route(limited!(
            web::post().to(reauthenticate::reauthenticate),
            "reauthenticate"
        )))
        .service(web::resource("/auth/password").route(limited!(
            web::post().to(password_change::change),
            "password"
        )))
        .service(
            web::resource("/auth/password/forgot")
                .route(limited!(web::post().to(recovery::forgot), "forgot")),
        )
        .service(
            web::resource("/auth/password/reset")
                .route(limited!(web::post().to(recovery::reset), "reset")),
        )
        .service(
            web::resource("/auth/email/verify")
                .route(limited!(web::post().to(recovery::verify), "verify")),
        )
        .service(web::resource("/auth/email/change/cancel").route(limited!(
            web::post().to(email_change::cancel),
            "cancel_email_change"
        )))
        .service(
            web::resource("/auth/email/verify/resend")
                .route(limited!(web::post().to(recovery::resend), "resend")),
        );
}
