//! Operator subcommands of the auth-service binary.

use crate::config::Settings;
use crate::db;

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
    let pool = db::build_pool(&settings.database_url, 1);
    let mut conn = pool.get().map_err(|e| format!("database: {e}"))?;
    db::run_migrations(&mut conn)?;
    match db::users::grant_role(&mut conn, &username, role).map_err(|e| e.to_string())? {
        Some(roles) => {
            log::info!("role granted: username={username} role={role}");
            Ok(format!("{username} now has roles: {}", roles.join(", ")))
        }
        None => Err(format!("no user named {username:?}")),
    }
}
