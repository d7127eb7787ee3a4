//! The resource-service binary's command line: `serve` (the default) and `healthcheck`.
//! `--help` and `--version` need no configuration; a bad command line or configuration exits 2.

use crate::config::Settings;
use crate::startup::Application;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "resource-service", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the default): configured by the environment, see docs/CONFIGURATION.md.
    Serve,
    /// Exit 0 when the service on this machine answers `GET /healthz` (`BIND_ADDR`'s port).
    Healthcheck,
}

/// Runs what the command line asks for; the process exits with what this returns.
pub async fn run(cli: Cli) -> ExitCode {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Healthcheck => service_kit::healthcheck::main("resource-service", "0.0.0.0:8081"),
        Command::Serve => serve().await,
    }
}

async fn serve() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("resource-service: {error}");
            return ExitCode::from(2);
        }
    };
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(error) => {
            eprintln!("resource-service: {error}");
            return ExitCode::FAILURE;
        }
    };
    log::info!("resource-service listening on port {}", app.port());
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("resource-service: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(|cli| cli.command);
        assert!(matches!(parse(&["resource-service"]), Ok(None)));
        assert!(matches!(
            parse(&["resource-service", "healthcheck"]),
            Ok(Some(Command::Healthcheck))
        ));
        assert!(parse(&["resource-service", "grant-role", "a", "b"]).is_err());
    }
}
