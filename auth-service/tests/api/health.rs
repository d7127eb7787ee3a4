use crate::helpers::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

#[actix_web::test]
async fn root_names_the_service_and_its_version() {
    let app = spawn_app().await;

    let response = app.get("/", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["service"], "auth-service");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[actix_web::test]
async fn healthz_answers_200_while_the_process_serves() {
    let app = spawn_app().await;

    let response = app.get("/healthz", None).await;

    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn readyz_answers_200_when_the_database_answers() {
    let app = spawn_app().await;

    let response = app.get("/readyz", None).await;

    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_unknown_path_is_a_json_404() {
    let app = spawn_app().await;

    let response = app.get("/no/such/thing", None).await;

    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn responses_carry_the_security_headers() {
    let app = spawn_app().await;

    let response = app.get("/", None).await;

    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
}
