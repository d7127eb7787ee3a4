use resource_service::config::Settings;
use resource_service::startup::Application;
use std::process::ExitCode;

const USAGE: &str = "usage: resource-service [serve | healthcheck]";

#[actix_web::main]
async fn main() -> ExitCode {
    // `.env` first, so RUST_LOG from it counts too.
    let _ = dotenvy::dotenv();
    service_kit::logging::init();

    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => serve().await,
        ["healthcheck"] => service_kit::healthcheck::main("resource-service", "0.0.0.0:8081"),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
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
