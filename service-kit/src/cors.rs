//! CORS, the same for both services (docs/COOKIES.md, CORS): origins listed in
//! `ALLOWED_ORIGINS` may call with credentials; every other origin gets no CORS headers, so
//! browsers keep the answers from its scripts. Such origins are not blocked here: the origin check
//! of docs/COOKIES.md answers their unsafe cookie requests with
//! `csrf_rejected` where it matters.

use crate::origin::normalise_origin;
use actix_cors::Cors;
use actix_web::http::header::{self, HeaderName};

/// How long a browser may cache a preflight answer, in seconds.
const PREFLIGHT_MAX_AGE: usize = 3600;

/// CORS for `allowed_origins` (normalised origins, as the configuration holds them): the
/// methods `GET`, `POST`, `PUT`, `PATCH`, `DELETE`; the request headers `Authorization`,
/// `Content-Type`, `Accept` and the service's `extra_allowed_headers`; `X-Request-Id` (on every
/// answer of both services) and the service's `exposed_headers` readable by scripts.
pub fn cors(
    allowed_origins: &[String],
    extra_allowed_headers: &[HeaderName],
    exposed_headers: &[HeaderName],
) -> Cors {
    let allowed = allowed_origins.to_vec();
    let allowed_headers = [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT]
        .into_iter()
        .chain(extra_allowed_headers.iter().cloned());
    let exposed = std::iter::once(HeaderName::from_static(crate::request_id::HEADER))
        .chain(exposed_headers.iter().cloned());
    Cors::default()
        .allowed_origin_fn(move |origin, _| {
            origin
                .to_str()
                .ok()
                .and_then(normalise_origin)
                .is_some_and(|o| allowed.contains(&o))
        })
        .block_on_origin_mismatch(false)
        .supports_credentials()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers(allowed_headers)
        .expose_headers(exposed)
        .max_age(PREFLIGHT_MAX_AGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::{call_service, init_service, TestRequest};
    use actix_web::{web, App, HttpResponse};

    #[actix_web::test]
    async fn listed_origins_get_credentials_and_the_services_own_headers_others_nothing() {
        let app = init_service(
            App::new()
                .wrap(cors(
                    &["https://app.example.com".to_owned()],
                    &[header::IF_NONE_MATCH],
                    &[header::ETAG],
                ))
                .route("/", web::get().to(HttpResponse::Ok)),
        )
        .await;
        let preflight = TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/")
            .insert_header(("origin", "HTTPS://App.Example.com"))
            .insert_header(("access-control-request-method", "GET"))
            .insert_header(("access-control-request-headers", "if-none-match"))
            .to_request();
        let response = call_service(&app, preflight).await;
        assert!(response.status().is_success(), "{}", response.status());
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        assert_eq!(header("access-control-allow-credentials"), "true");
        assert!(header("access-control-allow-headers").contains("if-none-match"));
        assert!(header("access-control-allow-headers").contains("authorization"));
        assert_eq!(header("access-control-max-age"), "3600");

        let simple = TestRequest::get()
            .uri("/")
            .insert_header(("origin", "https://app.example.com"))
            .to_request();
        let response = call_service(&app, simple).await;
        let exposed = response
            .headers()
            .get("access-control-expose-headers")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        assert!(
            exposed.contains("etag") && exposed.contains("x-request-id"),
            "{exposed}"
        );

        let foreign = TestRequest::get()
            .uri("/")
            .insert_header(("origin", "https://evil.example"))
            .to_request();
        let response = call_service(&app, foreign).await;
        assert!(
            response.status().is_success(),
            "not blocked, just not shared"
        );
        assert!(!response
            .headers()
            .contains_key("access-control-allow-origin"));
    }
}
