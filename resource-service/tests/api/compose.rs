//! `docker-compose.yml` and the `Dockerfile` against resource-service's own configuration loader
//! (`test_support::compose`): CI has no Docker engine to notice them drift from the code.

use resource_service::config::Settings;
use test_support::compose;

#[test]
fn the_compose_environment_parses_with_the_config_loader() {
    compose::settings("resource-service", Settings::from_lookup);
}

#[test]
fn compose_publishes_healthchecks_and_exposes_the_bound_port() {
    let settings = compose::settings("resource-service", Settings::from_lookup);
    compose::check_ports("resource-service", &settings.server.bind_addr);
}
