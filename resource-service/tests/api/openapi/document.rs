//! The document itself: components, the 405 answer, and the committed copy.

use super::*;

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

/// The interactive page over this document (docs/OPERATIONS.md): served in development only.
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
