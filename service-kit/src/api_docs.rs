//! The interactive API page at `/docs` (docs/OPERATIONS.md): Swagger UI over the service's own
//! `GET /openapi.json`, for development only. The page's files are compiled in from a crates.io
//! package (`utoipa-swagger-ui`'s `vendored` feature), so neither the build nor a browser viewing
//! the page fetches anything from elsewhere.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// Where the page is served.
pub const PATH: &str = "/docs";

/// Mounts the page when `enabled` (`APP_ENV=development`); otherwise `/docs` stays the 404 of any
/// unknown path. Use as `App::configure(|cfg| service_kit::api_docs::configure(cfg, enabled))`.
pub fn configure(cfg: &mut web::ServiceConfig, enabled: bool) {
    if !enabled {
        return;
    }
    // The page's files are addressed relative to `/docs/`, so `/docs` itself only points there.
    cfg.service(web::resource(PATH).route(web::get().to(|| async {
        HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, "/docs/"))
            .finish()
    })))
    .service(SwaggerUi::new("/docs/{_:.*}").config(Config::new(["/openapi.json"])));
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::StatusCode;
    use actix_web::test::{call_service, init_service, read_body, TestRequest};
    use actix_web::App;

    async fn get(enabled: bool, path: &str) -> (StatusCode, Option<String>, String) {
        let app = init_service(App::new().configure(|cfg| configure(cfg, enabled))).await;
        let response = call_service(&app, TestRequest::get().uri(path).to_request()).await;
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = String::from_utf8_lossy(&read_body(response).await).into_owned();
        (status, location, body)
    }

    #[actix_web::test]
    async fn the_page_points_at_the_services_own_document_and_only_when_enabled() {
        let (status, _, html) = get(true, "/docs/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("swagger-ui"), "{html}");
        let (status, _, script) = get(true, "/docs/swagger-initializer.js").await;
        assert_eq!(status, StatusCode::OK);
        assert!(script.contains("\"/openapi.json\""), "{script}");
        assert_eq!(
            get(true, "/docs").await.1.as_deref(),
            Some("/docs/"),
            "/docs leads to the page"
        );
        for path in ["/docs", "/docs/"] {
            assert_eq!(get(false, path).await.0, StatusCode::NOT_FOUND, "{path}");
        }
    }
}
