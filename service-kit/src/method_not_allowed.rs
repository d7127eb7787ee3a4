//! 405 for a known path asked with a method it does not serve, in the error body every other
//! answer of both services has.
//!
//! actix answers such a request itself: a resource none of whose routes' method guards match
//! replies 405 with an `Allow` header listing the methods of those routes, and an empty body. This
//! middleware gives that reply the error body of docs/API.md and keeps actix's `Allow`, so the
//! header is read from the route table and cannot drift from it. For this to cover every path,
//! each path must be one `web::resource` holding all its routes: `cfg.route(path, web::get()...)`
//! puts the method guard on the resource itself, and a wrong method then falls through to the 404
//! of the default service instead.

use crate::ErrorBody;
use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;

/// The code of the body.
pub const CODE: &str = "method_not_allowed";

/// Use with `actix_web::middleware::from_fn(service_kit::method_not_allowed)`, wrapped first (innermost), so the
/// other middleware (security headers, CORS, the access log) see the rendered answer.
pub async fn method_not_allowed(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let response = next.call(req).await?;
    // Only actix's own empty 405; an answer a handler wrote is left as it is.
    let empty = matches!(
        response.response().body().size(),
        BodySize::None | BodySize::Sized(0)
    );
    if response.status() != StatusCode::METHOD_NOT_ALLOWED || !empty {
        return Ok(response.map_into_left_body());
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let (req, _) = response.into_parts();
    let message = format!(
        "{} is not allowed here; the Allow header lists the methods that are.",
        req.method()
    );
    let mut rendered = ErrorBody::new(CODE, &message).respond(StatusCode::METHOD_NOT_ALLOWED);
    if let Some(allow) = allow {
        rendered.headers_mut().insert(header::ALLOW, allow);
    }
    Ok(ServiceResponse::new(req, rendered).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::middleware::from_fn;
    use actix_web::test::{call_service, init_service, read_body, TestRequest};
    use actix_web::{web, App, HttpResponse};

    #[actix_web::test]
    async fn a_wrong_method_is_405_with_allow_and_the_json_error_body() {
        let app = init_service(
            App::new().wrap(from_fn(method_not_allowed)).service(
                web::resource("/thing")
                    .route(web::get().to(HttpResponse::Ok))
                    .route(web::delete().to(HttpResponse::NoContent)),
            ),
        )
        .await;
        let response = call_service(&app, TestRequest::post().uri("/thing").to_request()).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        let allow = response.headers().get(header::ALLOW).unwrap();
        let allow = allow.to_str().unwrap().to_owned();
        let mut methods: Vec<&str> = allow.split(',').map(str::trim).collect();
        methods.sort_unstable();
        assert_eq!(methods, ["DELETE", "GET"]);
        let body = String::from_utf8(read_body(response).await.to_vec()).unwrap();
        assert!(
            body.starts_with(r#"{"error":"method_not_allowed","message":"POST is not allowed"#),
            "{body}"
        );
    }

    #[actix_web::test]
    async fn other_answers_pass_untouched() {
        let app = init_service(
            App::new()
                .wrap(from_fn(method_not_allowed))
                .route("/ok", web::get().to(HttpResponse::Ok))
                .route(
                    "/own-405",
                    web::get().to(|| async { HttpResponse::MethodNotAllowed().body("mine") }),
                ),
        )
        .await;
        let ok = call_service(&app, TestRequest::get().uri("/ok").to_request()).await;
        assert_eq!(ok.status(), StatusCode::OK);
        let own = call_service(&app, TestRequest::get().uri("/own-405").to_request()).await;
        assert_eq!(own.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(read_body(own).await, "mine");
    }
}
