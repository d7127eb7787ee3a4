//! `GET /openapi.json`: an OpenAPI 3 document that lists exactly the routes the app serves.

use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;
use test_support::routes::{
    assert_undocumented_methods_are_405, documented_routes, registered_paths, served_routes,
};

/// Every route of auth-service (docs/API.md).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/openapi.json"),
    ("get", "/.well-known/jwks.json"),
    ("post", "/auth/register"),
    ("post", "/auth/login"),
    ("post", "/auth/refresh"),
    ("post", "/auth/logout"),
    ("post", "/auth/logout-all"),
    ("get", "/auth/sessions"),
    ("delete", "/auth/sessions/{id}"),
    ("get", "/auth/me"),
    ("patch", "/auth/me"),
    ("delete", "/auth/me"),
    ("post", "/auth/password"),
    ("post", "/auth/reauthenticate"),
    ("post", "/auth/password/forgot"),
    ("post", "/auth/password/reset"),
    ("post", "/auth/email/verify"),
    ("post", "/auth/email/verify/resend"),
    ("post", "/auth/email/change/cancel"),
    ("get", "/events"),
];

#[actix_web::test]
async fn the_document_lists_every_route_and_only_routes_that_are_served() {
    let app = spawn_app().await;
    let response = app.get("/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));

    let documented = documented_routes(&doc);
    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, expected);

    // Each documented route is really served: never the 404 of an unknown route.
    for (method, path) in &documented {
        let concrete = path.replace("{id}", "00000000-0000-0000-0000-000000000000");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = app.request(method.clone(), &concrete).send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(
            !(status == StatusCode::NOT_FOUND && path != "/auth/sessions/{id}")
                && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} is documented but answered {status} {body}"
        );
    }

    for scheme in ["bearer", "access_cookie", "refresh_cookie"] {
        assert!(
            doc["components"]["securitySchemes"][scheme].is_object(),
            "no {scheme} scheme"
        );
    }
    for schema in [
        "User",
        "TokenResponse",
        "ApiErrorBody",
        "LoginBody",
        "RegisterBody",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "no {schema}"
        );
    }
}

/// The other direction: every route the app serves, found from actix's route table and by asking
/// the running app every method, is in the document. A route added without documentation fails.
#[actix_web::test]
async fn every_route_the_app_serves_is_documented() {
    let app = spawn_app().await;
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let documented = documented_routes(&doc);
    let mut paths = registered_paths(auth_service::routes::configure).await;
    assert!(paths.contains("/auth/sessions/{id}"), "{paths:?}");
    paths.extend(documented.iter().map(|(_, path)| path.clone()));
    let served = served_routes(&app.client, &app.address, &paths).await;
    assert_eq!(served, documented, "left: served, right: documented");
}

/// A method a path does not serve is 405 with `Allow` (the documented methods) and the JSON error
/// body, never the 404 of an unknown path: a client learns what the path does take.
#[actix_web::test]
async fn a_method_a_path_does_not_serve_is_405_with_allow_and_the_error_body() {
    let app = spawn_app().await;
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    assert_undocumented_methods_are_405(&app.client, &app.address, &doc).await;

    let response = app
        .request(Method::PUT, "/auth/login")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed", "{body}");
}

/// The committed `docs/openapi/auth-service.json` is what the app serves
/// (`UPDATE_OPENAPI=1` rewrites it).
#[actix_web::test]
async fn the_committed_document_is_the_served_document() {
    let app = spawn_app().await;
    let response = app.get("/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let served = response.text().await.unwrap();
    test_support::openapi::assert_matches_committed("auth-service", &served);
}

/// The interactive page over this document (docs/OPERATIONS.md): served in development only.
#[actix_web::test]
async fn the_api_page_is_served_in_development_and_is_404_in_production() {
    let development = spawn_app().await;
    let page = development.get("/docs/", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    let bare = development.get("/docs", None).await;
    assert_eq!(bare.headers()["location"], "/docs/");

    let production = crate::helpers::spawn_app_with(|vars| {
        vars.insert("APP_ENV".into(), "production".into());
        vars.insert("PUBLIC_URL".into(), "https://photos.example".into());
    })
    .await;
    for path in ["/docs", "/docs/"] {
        let response = production.get(path, None).await;
        crate::helpers::assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}
