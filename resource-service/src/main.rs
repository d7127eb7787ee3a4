use clap::Parser;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    // `.env.resource-service` and `.env` first, so RUST_LOG from them counts too; then the command
    // line, which needs no configuration (`--help`, `--version`) and exits 2 when it is wrong.
    service_kit::dotenv::load("resource-service");
    let cli = resource_service::cli::Cli::parse();
    service_kit::logging::init();
    resource_service::cli::run(cli).await
}
