use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn the_root_names_the_service() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["service"], "resource-service");
    assert!(body["version"].is_string());
}

#[tokio::test]
async fn healthz_and_readyz_answer_200_without_a_token() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn unknown_routes_are_404_not_found_as_json() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/no/such/route"))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn every_response_forbids_content_sniffing() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/whoami", "/nope"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
}

#[tokio::test]
async fn migrations_created_the_tables() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    for table in ["photos", "photo_contents", "photo_likes", "profiles"] {
        diesel::sql_query(format!("SELECT 1 FROM {table} LIMIT 1"))
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("{table}: {e}"));
    }
}

#[tokio::test]
async fn the_healthcheck_subcommand_passes_against_a_running_app() {
    let app = spawn_app().await;
    let bind_addr = app.address.trim_start_matches("http://").to_owned();
    let verdict = tokio::task::spawn_blocking(move || service_kit::healthcheck::run(&bind_addr))
        .await
        .unwrap();
    assert_eq!(verdict, Ok(()));
}

#[tokio::test]
async fn the_healthcheck_subcommand_fails_when_nothing_listens() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let verdict = service_kit::healthcheck::run(&format!("127.0.0.1:{port}"));
    assert!(verdict.is_err());
}
