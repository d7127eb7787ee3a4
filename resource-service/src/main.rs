use clap::Parser;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    // `.env` first, so RUST_LOG from it counts too; then the command line, which needs no
    // configuration (`--help`, `--version`) and exits 2 when it is wrong.
    let _ = dotenvy::dotenv();
    let cli = resource_service::cli::Cli::parse();
    service_kit::logging::init();
    resource_service::cli::run(cli).await
}
