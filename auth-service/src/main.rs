use clap::Parser;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    // `.env.auth-service` and `.env` first, so RUST_LOG from them counts too; then the command
    // line, which needs no configuration (`--help`, `--version`) and exits 2 when it is wrong.
    service_kit::dotenv::load("auth-service");
    let cli = auth_service::cli::Cli::parse();
    service_kit::logging::init();
    auth_service::cli::run(cli).await
}
