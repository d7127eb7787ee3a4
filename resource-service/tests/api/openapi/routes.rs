//! The routes: served, documented and listed in docs/API.md alike, each answering as documented.

use super::*;

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
