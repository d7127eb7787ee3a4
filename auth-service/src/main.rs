use auth_service::config::Settings;
use auth_service::startup::Application;
use std::process::ExitCode;

const USAGE: &str =
    "usage: auth-service [serve | grant-role <username> <role> | gen-secret | healthcheck]";

#[actix_web::main]
async fn main() -> ExitCode {
    service_kit::logging::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("gen-secret") {
        return match auth_service::cli::gen_secret() {
            Ok(secret) => {
                println!("{secret}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("auth-service: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.first().map(String::as_str) == Some("healthcheck") {
        let _ = dotenvy::dotenv();
        return service_kit::healthcheck::main("auth-service", "0.0.0.0:8080");
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("auth-service: {e}");
            return ExitCode::from(2);
        }
    };
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => serve(settings).await,
        ["grant-role", username, role] => {
            match auth_service::cli::grant_role(&settings, username, role) {
                Ok(line) => {
                    println!("{line}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("auth-service: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("auth-service: {e}");
            return ExitCode::FAILURE;
        }
    };
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("auth-service: {e}");
            ExitCode::FAILURE
        }
    }
}
