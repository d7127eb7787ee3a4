//! `GET /openapi.json`: an OpenAPI 3 document that lists exactly the routes the app serves, each
//! with the statuses it really answers and the credentials it really needs.
//!
//! Three lists are compared and must agree: the routes of docs/API.md written out below, the
//! routes the document lists, and the routes the app serves (paths read from the route table that
//! `routes::configure` builds, methods found by asking the running app). A route added to the app
//! without documentation, or documented without being served, fails here.

use crate::helpers::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use test_support::routes::{
    assert_undocumented_methods_are_405, documented_routes, registered_paths, served_routes,
};

/// The routes that need no credentials.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/openapi.json"),
];

/// Every route of resource-service in docs/API.md: each needs a valid access token.
const PROTECTED: &[(&str, &str)] = &[
    ("get", "/whoami"),
    ("get", "/profile"),
    ("patch", "/profile"),
    ("delete", "/profile"),
    ("post", "/photos"),
    ("get", "/photos"),
    ("get", "/photos/{id}"),
    ("get", "/photos/{id}/content"),
    ("delete", "/photos/{id}"),
    ("put", "/photos/{id}/like"),
    ("delete", "/photos/{id}/like"),
];

type Route = (String, String);

fn set(routes: &[(&str, &str)]) -> BTreeSet<Route> {
    routes
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect()
}

fn spec_routes() -> BTreeSet<Route> {
    set(PUBLIC).union(&set(PROTECTED)).cloned().collect()
}

async fn fetch_document(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Every (method, path) of the document.
fn documented(doc: &Value) -> BTreeSet<Route> {
    documented_routes(doc)
}

fn operation<'a>(doc: &'a Value, (method, path): &Route) -> &'a Value {
    &doc["paths"][path][method]
}

/// A concrete path for a pattern: `{id}` becomes `id`.
fn concrete(path: &str, id: &str) -> String {
    path.replace("{id}", id)
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.to_uppercase().as_bytes()).unwrap()
}

/// A request without credentials.
fn anonymous(app: &TestApp, (method_name, path): &Route) -> RequestBuilder {
    let path = concrete(path, "00000000-0000-0000-0000-000000000000");
    app.client.request(method(method_name), app.url(&path))
}

#[tokio::test]
async fn the_document_is_openapi_3_and_lists_exactly_the_spec_routes() {
    let app = spawn_app().await;
    let doc = fetch_document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    assert_eq!(doc["info"]["title"], "resource-service");
    assert_eq!(documented(&doc), spec_routes());

    // Each `{name}` of a path is a required path parameter of each of its operations.
    for route in documented(&doc) {
        let (method, path) = &route;
        let in_path: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split('}').next())
            .collect();
        let params = operation(&doc, &route)["parameters"].as_array();
        let declared: BTreeSet<&str> = params
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path" && p["required"] == true)
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(declared, in_path, "{method} {path}");
    }
}

#[actix_web::test]
async fn the_app_serves_exactly_the_documented_routes() {
    let app = spawn_app().await;
    let doc = fetch_document(&app).await;
    let documented = documented(&doc);

    // Every path the app knows, plus every documented one, asked with every method. Without
    // credentials a served route answers (200, or 401 when it needs a token); an unserved one is
    // the 404 of the default service or the 405 of a known path.
    let mut paths = registered_paths(resource_service::routes::configure).await;
    paths.extend(documented.iter().map(|(_, path)| path.clone()));
    let served = served_routes(&app.client, &app.address, &paths).await;
    assert_eq!(
        served, documented,
        "left: served without credentials, right: documented"
    );
}

#[tokio::test]
async fn every_documented_operation_answers_with_one_of_its_documented_statuses() {
    let app = spawn_app().await;
    let doc = fetch_document(&app).await;
    let token = app.mint_token(&TestUser::new("documented"));
    let photo = app.upload_png(&token).await;
    let id = id_of(&photo);

    // With a real photo nothing may be 404; deletions go last, the like before the photo.
    let mut routes: Vec<Route> = documented(&doc).into_iter().collect();
    routes.sort_by_key(|(method, path)| (method == "delete", std::cmp::Reverse(path.len())));
    for route in &routes {
        let (method_name, path) = route;
        let op = operation(&doc, route);
        let mut request = app
            .client
            .request(method(method_name), app.url(&concrete(path, &id)))
            .bearer_auth(&token);
        let body_types = op["requestBody"]["content"].as_object();
        if body_types.is_some_and(|c| c.contains_key("application/json")) {
            request = request.json(&json!({}));
        } else if body_types.is_some_and(|c| c.contains_key("multipart/form-data")) {
            let part = Part::bytes(PNG.to_vec()).file_name("photo.png");
            request = request.multipart(Form::new().part("file", part));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let content_type = response.headers().get("content-type").map(|v| {
            v.to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim()
                .to_owned()
        });
        let documented = &op["responses"][status.as_str()];
        assert!(
            status.is_success() && documented.is_object(),
            "{method_name} {path} answered {status}, documented: {}",
            op["responses"]
        );
        if let Some(content_type) = content_type {
            assert!(
                documented["content"].get(&content_type).is_some(),
                "{method_name} {path} answered {content_type}, documented: {documented}"
            );
        }
    }
}

#[tokio::test]
async fn protected_routes_require_a_token_in_the_document_and_in_fact() {
    let app = spawn_app().await;
    let doc = fetch_document(&app).await;
    let public = set(PUBLIC);
    for route in documented(&doc) {
        let op = operation(&doc, &route);
        let schemes: BTreeSet<&str> = op["security"]
            .as_array()
            .map(|requirements| {
                requirements
                    .iter()
                    .flat_map(|r| r.as_object().unwrap().keys().map(String::as_str))
                    .collect()
            })
            .unwrap_or_default();
        let response = anonymous(&app, &route).send().await.unwrap();
        let status = response.status();
        let (method, path) = &route;
        if public.contains(&route) {
            assert!(schemes.is_empty(), "{method} {path} is public: {schemes:?}");
            assert_eq!(status, StatusCode::OK, "{method} {path}");
        } else {
            assert_eq!(
                schemes,
                BTreeSet::from(["bearer", "access_cookie"]),
                "{method} {path} takes the bearer token or the cookie"
            );
            assert!(
                op["responses"]["401"].is_object(),
                "{method} {path} documents no 401"
            );
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(
                response.headers()["www-authenticate"],
                "Bearer",
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn the_components_hold_the_security_schemes_and_the_main_schemas() {
    let app = spawn_app().await;
    let doc = fetch_document(&app).await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["type"], "http", "{schemes}");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["bearer"]["bearerFormat"], "JWT");
    assert_eq!(schemes["access_cookie"]["type"], "apiKey", "{schemes}");
    assert_eq!(schemes["access_cookie"]["in"], "cookie");
    assert_eq!(schemes["access_cookie"]["name"], "__Host-access_token");

    let schemas = &doc["components"]["schemas"];
    for name in [
        "ApiErrorBody",
        "Photo",
        "PhotoPage",
        "PhotoUpload",
        "Profile",
        "ProfilePatch",
        "WhoAmI",
    ] {
        assert!(schemas[name].is_object(), "no {name} schema");
    }
    let error_fields = schemas["ApiErrorBody"]["properties"].as_object().unwrap();
    for field in ["error", "message", "fields"] {
        assert!(
            error_fields.contains_key(field),
            "ApiErrorBody lacks {field}"
        );
    }
    let photo_fields = schemas["Photo"]["properties"].as_object().unwrap();
    for field in [
        "id",
        "owner_id",
        "owner_username",
        "caption",
        "content_type",
        "size_bytes",
        "like_count",
        "liked_by_me",
        "created_at",
        "content_url",
    ] {
        assert!(photo_fields.contains_key(field), "Photo lacks {field}");
    }

    let upload = &doc["paths"]["/photos"]["post"]["requestBody"]["content"]["multipart/form-data"];
    assert_eq!(
        upload["schema"]["$ref"], "#/components/schemas/PhotoUpload",
        "{upload}"
    );
    assert_eq!(
        schemas["PhotoUpload"]["properties"]["file"]["format"],
        "binary"
    );
    assert_eq!(schemas["PhotoUpload"]["required"], json!(["file"]));

    // Every error response carries the error body of docs/API.md.
    for route in documented(&doc) {
        let (method, path) = &route;
        for (status, response) in operation(&doc, &route)["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ApiErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
    }
}

/// A method a path does not serve is 405 with `Allow` (the documented methods) and the JSON error
/// body; actix's own answer would be an empty body.
#[tokio::test]
async fn a_method_a_path_does_not_serve_is_405_with_allow_and_the_error_body() {
    let app = spawn_app().await;
    let doc = fetch_document(&app).await;
    assert_undocumented_methods_are_405(&app.client, &app.address, &doc).await;

    let response = app.client.put(app.url("/photos")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let mut allow: Vec<String> = response.headers()["allow"]
        .to_str()
        .unwrap()
        .split(',')
        .map(|m| m.trim().to_owned())
        .collect();
    allow.sort();
    assert_eq!(allow, ["GET", "POST"]);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed", "{body}");
}

/// The committed `docs/openapi/resource-service.json` is what the app serves
/// (`UPDATE_OPENAPI=1` rewrites it).
#[actix_web::test]
async fn the_committed_document_is_the_served_document() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let served = response.text().await.unwrap();
    test_support::openapi::assert_matches_committed("resource-service", &served);
}

/// The interactive page over this document (README, Operations): served in development only.
#[tokio::test]
async fn the_api_page_is_served_in_development_and_is_404_in_production() {
    let development = spawn_app().await;
    let page = development
        .client
        .get(development.url("/docs/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("swagger-ui"));

    let production = crate::helpers::spawn_app_with(&[("APP_ENV", "production")]).await;
    for path in ["/docs", "/docs/"] {
        let response = production
            .client
            .get(production.url(path))
            .send()
            .await
            .unwrap();
        crate::helpers::assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}
