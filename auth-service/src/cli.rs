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
    let pool = service_kit::database::pool(&settings.database_url, 1);
    let mut conn = pool.get().map_err(|e| format!("DATABASE_URL: {e}"))?;
    service_kit::database::migrate(&mut conn, db::SCHEMA)
        .map_err(|e| format!("DATABASE_URL: the database migrations failed: {e}"))?;
    let granted = diesel::Connection::transaction(&mut conn, |conn| {
        let roles = db::users::grant_role(conn, &username, role)?;
        if let Some(user_id) = roles
            .as_ref()
            .and(db::users::find_by_username(conn, &username)?.map(|u| u.id))
        {
            let operator = crate::client::ClientInfo {
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
    fn generated_secrets_are_256_bits_of_hex_and_differ() {
        let a = gen_secret().unwrap();
        let b = gen_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(shared_tokens::Secret::parse(&a).is_ok());
    }
}
