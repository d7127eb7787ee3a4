//! What an app really serves, found independently of its OpenAPI document: the path patterns from
//! actix's own route table, for each the methods the running app answers, and how it answers the
//! methods it does not serve.

use actix_web::{web, App, HttpRequest, HttpResponse};
use std::collections::BTreeSet;

/// The methods asked for on every path.
pub const METHODS: &[&str] = &["get", "head", "post", "put", "patch", "delete", "options"];

/// The path patterns `configure` registers, read from the resource map an app built from it hands
/// every request; its `Debug` output is the only listing actix offers, so anything this reading
/// does not understand (a nested scope, a multi-pattern resource) fails loudly instead of hiding
/// routes.
pub async fn registered_paths(configure: fn(&mut web::ServiceConfig)) -> BTreeSet<String> {
    let app = actix_web::test::init_service(App::new().configure(configure).default_service(
        web::to(|req: HttpRequest| async move {
            HttpResponse::Ok().body(format!("{:?}", req.resource_map()))
        }),
    ))
    .await;
    let request = actix_web::test::TestRequest::get()
        .uri("/route-table-probe")
        .to_request();
    let body = actix_web::test::call_and_read_body(&app, request).await;
    let table = String::from_utf8(body.to_vec()).unwrap();
    assert_eq!(
        table.matches("nodes: Some(").count(),
        1,
        "a nested scope: teach this reader to follow it\n{table}"
    );
    assert!(
        !table.contains("List("),
        "a multi-pattern resource\n{table}"
    );
    let paths: BTreeSet<String> = table
        .split("Single(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|pattern| !pattern.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(paths.contains("/healthz"), "unreadable table\n{table}");
    paths
}

/// Every (method, path pattern) among `paths` x [`METHODS`] that the app at `base_url` serves:
/// asked without credentials, a served route answers (200, or 401 when it needs a token); an
/// unserved one is the 404 of the default service or a 405. `{id}` becomes the nil UUID, so
/// routes that look the id up first must be told apart by the caller.
pub async fn served_routes(
    client: &reqwest::Client,
    base_url: &str,
    paths: &BTreeSet<String>,
) -> BTreeSet<(String, String)> {
    let mut served = BTreeSet::new();
    for path in paths {
        let concrete = path.replace("{id}", "00000000-0000-0000-0000-000000000000");
        for name in METHODS {
            let method = reqwest::Method::from_bytes(name.to_uppercase().as_bytes()).unwrap();
            let response = client
                .request(method, format!("{base_url}{concrete}"))
                .send()
                .await
                .unwrap();
            let status = response.status();
            if status != reqwest::StatusCode::NOT_FOUND
                && status != reqwest::StatusCode::METHOD_NOT_ALLOWED
            {
                served.insert((name.to_string(), path.clone()));
            }
        }
    }
    served
}

/// The keys of an OpenAPI path item that are operations (the others are shared fields).
const OPERATIONS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every (method, path) an OpenAPI document lists.
pub fn documented_routes(doc: &serde_json::Value) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .expect("the document has paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item is an object")
                .keys()
                .filter(|key| OPERATIONS.contains(&key.as_str()))
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect()
}

/// For every path of `doc`, each method the document does not list there (TRACE included) is
/// answered 405 with `Allow` naming exactly the documented methods and, but for HEAD (whose answer
/// has no body), the JSON error body `method_not_allowed`. Asked without credentials: routing
/// answers before any extractor runs. `{id}` becomes the nil UUID.
pub async fn assert_undocumented_methods_are_405(
    client: &reqwest::Client,
    base_url: &str,
    doc: &serde_json::Value,
) {
    let documented = documented_routes(doc);
    let paths: BTreeSet<&String> = documented.iter().map(|(_, path)| path).collect();
    for path in paths {
        let allowed: BTreeSet<String> = documented
            .iter()
            .filter(|(_, p)| p == path)
            .map(|(method, _)| method.to_uppercase())
            .collect();
        let concrete = path.replace("{id}", "00000000-0000-0000-0000-000000000000");
        for name in METHODS.iter().chain(&["trace"]) {
            let method = reqwest::Method::from_bytes(name.to_uppercase().as_bytes()).unwrap();
            if allowed.contains(method.as_str()) {
                continue;
            }
            let response = client
                .request(method.clone(), format!("{base_url}{concrete}"))
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                reqwest::StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            let allow: BTreeSet<String> = response
                .headers()
                .get("allow")
                .unwrap_or_else(|| panic!("{method} {path}: no Allow header"))
                .to_str()
                .unwrap()
                .split(',')
                .map(|m| m.trim().to_owned())
                .collect();
            assert_eq!(allow, allowed, "{method} {path}: Allow");
            if method == reqwest::Method::HEAD {
                continue;
            }
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(
                body["error"], "method_not_allowed",
                "{method} {path}: {body}"
            );
            assert!(body["message"].is_string(), "{method} {path}: {body}");
        }
    }
}
