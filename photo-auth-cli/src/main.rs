//! `photo-auth`: the command-line client of the two services (docs/CLI.md).

mod args;
mod commands;
mod exit;
mod link;
mod output;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = args::Args::parse();
    match commands::run(&args).await {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => {
            output::failure(&failure);
            ExitCode::from(exit::code_of(&failure))
        }
    }
}
