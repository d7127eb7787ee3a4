//! `docker-compose.yml` and the `Dockerfile` checked against resource-service's own configuration.
//! CI has no Docker engine, so nothing ever starts these files there: these tests keep them from
//! drifting away from the code. Every failure says what drifted and which file to fix. The tests
//! are shared with auth-service: `test_support::compose::suite`.

test_support::compose_tests! {
    service: "resource-service",
    // docs/API.md: resource-service listens on 8081.
    spec_port: 8081,
    settings: resource_service::config::Settings,
    // The secrets docs/CONFIGURATION.md marks required for this service.
    required_secrets: ["ACCESS_TOKEN_SECRET"],
    spawn_app: crate::helpers::spawn_app,
    app_port: |app| app.address.rsplit(':').next().unwrap().parse().unwrap(),
    runtime: tokio::test,
}
