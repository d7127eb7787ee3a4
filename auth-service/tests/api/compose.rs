//! `docker-compose.yml` and the `Dockerfile` against auth-service's own configuration loader
//! (`test_support::compose`): CI has no Docker engine to notice them drift from the code.

use auth_service::config::Settings;
use test_support::compose;

#[test]
fn the_compose_environment_parses_with_the_config_loader() {
    compose::settings("auth-service", Settings::from_lookup);
}

#[test]
fn compose_publishes_healthchecks_and_exposes_the_bound_port() {
    let settings = compose::settings("auth-service", Settings::from_lookup);
    compose::check_ports("auth-service", &settings.server.bind_addr);
}

#[test]
fn compose_publishes_on_loopback_only_and_opts_out_of_the_images_production_default() {
    compose::check_local_ports();
    compose::check_app_env("auth-service");
    compose::check_app_env("resource-service");
}
