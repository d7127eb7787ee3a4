//! `docker-compose.yml` and the `Dockerfile` checked against auth-service's own configuration.
//! CI has no Docker engine, so nothing ever starts these files there: these tests keep them from
//! drifting away from the code. Every failure says what drifted and which file to fix. The tests
//! are shared with resource-service: `test_support::compose::suite`.

test_support::compose_tests! {
    service: "auth-service",
    // docs/API.md: auth-service listens on 8080.
    spec_port: 8080,
    settings: auth_service::config::Settings,
    // The secrets docs/CONFIGURATION.md marks required for this service.
    required_secrets: ["ACCESS_TOKEN_SECRET", "REFRESH_TOKEN_SECRET"],
    spawn_app: crate::helpers::spawn_app,
    app_port: |app| app.port,
    runtime: actix_web::test,
}
