//! The auth-service binary's command line: `serve` (the default), `healthcheck`, and the
//! operator subcommands `grant-role`, `gen-secret` and `gen-keypair` (docs/OPERATIONS.md).
//! `--help` and `--version` need no configuration; a bad command line or configuration exits 2.

use crate::config::Settings;
use crate::db;
use crate::startup;
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "auth-service", version, about)]
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
    /// Add a role to a user, without SQL.
    GrantRole {
        /// The user's username, in any case.
        username: String,
        /// The role: 1-32 characters of a-z, 0-9, '_' or '-'.
        role: String,
    },
    /// Print a fresh 256-bit secret (64 hex digits) for ACCESS_TOKEN_SECRET or
    /// REFRESH_TOKEN_SECRET.
    GenSecret,
    /// Make an Ed25519 key pair for ACCESS_TOKEN_ALG=EdDSA: prints the public key (PEM) and
    /// writes the private key to --private-key-out (mode 0600), or prints both.
    GenKeypair {
        /// A new file for the private key (never overwritten).
        #[arg(long, value_name = "FILE")]
        private_key_out: Option<std::path::PathBuf>,
    },
}

/// Runs what the command line asks for; the process exits with what this returns.
pub async fn run(cli: Cli) -> ExitCode {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Healthcheck => service_kit::healthcheck::main("auth-service", "0.0.0.0:8080"),
        Command::GenSecret => report(gen_secret()),
        Command::GenKeypair { private_key_out } => {
            report(crate::gen_keypair::gen_keypair(private_key_out.as_deref()))
        }
        Command::GrantRole { username, role } => match settings() {
            Ok(settings) => report(grant_role(&settings, &username, &role)),
            Err(code) => code,
        },
        Command::Serve => match settings() {
            Ok(settings) => {
                service_kit::server::serve_until_stopped("auth-service", startup::build(settings))
                    .await
            }
            Err(code) => code,
        },
    }
}

/// The configuration, or exit code 2 after one line naming the variable at fault.
fn settings() -> Result<Settings, ExitCode> {
    Settings::from_env().map_err(|e| {
        eprintln!("auth-service: {e}");
        ExitCode::from(2)
    })
}

/// Prints the line of a subcommand that worked, or its error.
fn report(result: Result<String, String>) -> ExitCode {
    match result {
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

/// `auth-service grant-role <username> <role>`: adds a role without SQL. Returns the line to print.
pub fn grant_role(settings: &Settings, username: &str, role: &str) -> Result<String, String> {
    let role = role.trim();
    if role.is_empty()
        || role.len() > 32
        || !role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        return Err(format!(
            "role must be 1-32 characters of a-z, 0-9, '_' or '-': {role:?}"
        ));
    }
    let username = crate::domain::Username::normalise(username);
    let pool = service_kit::database::pool(settings.server.database_url.expose_secret(), 1);
    let mut conn = pool.get().map_err(|e| format!("DATABASE_URL: {e}"))?;
    service_kit::database::migrate(&mut conn, db::SCHEMA)
        .map_err(|e| format!("DATABASE_URL: the database migrations failed: {e}"))?;
    let granted = diesel::Connection::transaction(&mut **conn, |conn| {
        let roles = db::users::grant_role(conn, &username, role)?;
        if let Some(user_id) = roles
            .as_ref()
            .and(db::users::find_by_username(conn, &username)?.map(|u| u.id))
        {
            let operator = crate::domain::ClientInfo {
                ip: None,
                user_agent: Some("auth-service grant-role".into()),
            };
            db::audit::record(
                conn,
                &db::audit::AuditEvent::by(db::audit::AuditKind::RoleGranted, &operator)
                    .user(user_id)
                    .detail(serde_json::json!({ "role": role })),
            )?;
        }
        diesel::QueryResult::Ok(roles)
    })
    .map_err(|e| e.to_string())?;
    match granted {
        Some(roles) => {
            log::info!("role granted: username={username} role={role}");
            Ok(format!("{username} now has roles: {}", roles.join(", ")))
        }
        None => Err(format!("no user named {username:?}")),
    }
}

/// `auth-service gen-secret`: a fresh 256-bit secret from the operating system's CSPRNG, as 64
/// hex digits, for `ACCESS_TOKEN_SECRET` or `REFRESH_TOKEN_SECRET`.
pub fn gen_secret() -> Result<String, String> {
    use rand::TryRngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| format!("the OS random source failed: {e}"))?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(|cli| cli.command);
        assert!(matches!(parse(&["auth-service"]), Ok(None)));
        assert!(matches!(
            parse(&["auth-service", "grant-role", "alice", "admin"]),
            Ok(Some(Command::GrantRole { .. }))
        ));
        assert!(parse(&["auth-service", "grant-role", "alice"]).is_err());
        assert!(parse(&["auth-service", "launch"]).is_err());
    }

    #[test]
    fn generated_secrets_are_256_bits_of_hex_and_differ() {
        let a = gen_secret().unwrap();
        let b = gen_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(shared_tokens::Secret::parse(&a).is_ok());
    }
}
