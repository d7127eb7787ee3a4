use resource_service::config::Settings;
use resource_service::startup::Application;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    // `.env` first, so RUST_LOG from it counts too.
    let _ = dotenvy::dotenv();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();

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
