//! `GET /openapi.json`: an OpenAPI 3 document that lists exactly the routes the app serves, each
//! with the statuses it really answers and the credentials it really needs.
//!
//! Three lists are compared and must agree: the routes of docs/API.md written out below, the
//! routes the document lists, and the routes the app serves (paths read from the route table that
//! `routes::configure` builds, methods found by asking the running app). A route added to the app
//! without documentation, or documented without being served, fails here.

mod document;
mod routes;

use crate::helpers::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use test_support::routes::{
    assert_undocumented_methods_are_405, documented_routes, registered_paths, served_routes,
};

/// The routes that need no credentials.
pub(super) const PUBLIC: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/openapi.json"),
];

/// Every route of resource-service in docs/API.md: each needs a valid access token.
pub(super) const PROTECTED: &[(&str, &str)] = &[
    ("get", "/whoami"),
    ("get", "/profile"),
    ("patch", "/profile"),
    ("delete", "/profile"),
    ("post", "/photos"),
    ("get", "/photos"),
    ("get", "/photos/{id}"),
    ("get", "/photos/{id}/content"),
    ("get", "/photos/{id}/thumbnail"),
    ("delete", "/photos/{id}"),
    ("put", "/photos/{id}/like"),
    ("delete", "/photos/{id}/like"),
];

type Route = (String, String);

pub(super) fn set(routes: &[(&str, &str)]) -> BTreeSet<Route> {
    routes
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect()
}

pub(super) fn spec_routes() -> BTreeSet<Route> {
    set(PUBLIC).union(&set(PROTECTED)).cloned().collect()
}

pub(super) async fn fetch_document(app: &TestApp) -> Value {
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
pub(super) fn documented(doc: &Value) -> BTreeSet<Route> {
    documented_routes(doc)
}

pub(super) fn operation<'a>(doc: &'a Value, (method, path): &Route) -> &'a Value {
    &doc["paths"][path][method]
}

/// A concrete path for a pattern: `{id}` becomes `id`.
pub(super) fn concrete(path: &str, id: &str) -> String {
    path.replace("{id}", id)
}

pub(super) fn method(name: &str) -> Method {
    Method::from_bytes(name.to_uppercase().as_bytes()).unwrap()
}

/// A request without credentials.
pub(super) fn anonymous(app: &TestApp, (method_name, path): &Route) -> RequestBuilder {
    let path = concrete(path, "00000000-0000-0000-0000-000000000000");
    app.client.request(method(method_name), app.url(&path))
}
