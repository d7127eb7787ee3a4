//! The resource-service binary's command line: `serve` (the default) and `healthcheck`.
//! `--help` and `--version` need no configuration; a bad command line or configuration exits 2.

use crate::config::Settings;
use crate::startup;
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
    service_kit::server::serve_until_stopped("resource-service", startup::build(settings)).await
}
