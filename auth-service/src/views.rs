//! The JSON bodies auth-service answers with (docs/API.md, auth-service, Bodies).

use crate::db::models::{SessionRow, UserRow};
use crate::http::TokenDelivery;
use crate::sessions::Tokens;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;
use uuid::Uuid;

/// A user as clients see it: never a hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub roles: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            username: row.username,
            email: row.email,
            full_name: row.full_name,
            roles: row.roles,
            created_at: row.created_at,
        }
    }
}

// The answer of login and refresh. Its `Debug` (below) leaves the tokens out: they are
// credentials. A plain comment, so the OpenAPI schema does not take it as its description.
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    /// Absent when the client asked for cookie-only delivery (`X-Token-Delivery: cookie`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, required = false)]
    pub refresh_token: Option<String>,
    pub refresh_expires_in: i64,
    pub session_id: Uuid,
    pub user: User,
}

impl TokenResponse {
    /// The body for `tokens`; the refresh token only when `delivery` lets it into the body.
    pub fn new(tokens: Tokens, delivery: TokenDelivery) -> Self {
        Self {
            access_token: tokens.access_token,
            token_type: "Bearer",
            expires_in: tokens.expires_in,
            refresh_token: (delivery == TokenDelivery::BodyAndCookie)
                .then_some(tokens.refresh_token),
            refresh_expires_in: tokens.refresh_expires_in,
            session_id: tokens.session_id,
            user: tokens.user.into(),
        }
    }
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &"<redacted>")
            .field("refresh_expires_in", &self.refresh_expires_in)
            .field("session_id", &self.session_id)
            .field("user", &self.user)
            .finish()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub current: bool,
}

impl SessionView {
    pub fn new(row: SessionRow, current: Uuid) -> Self {
        Self {
            id: row.id,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            expires_at: row.expires_at(),
            user_agent: row.user_agent,
            ip: row.ip,
            current: row.id == current,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_response_prints_no_token() {
        let response = TokenResponse {
            access_token: "eyJ.access-token-body.signature-a".into(),
            token_type: "Bearer",
            expires_in: 900,
            refresh_token: Some("eyJ.refresh-token-body.signature-r".into()),
            refresh_expires_in: 604_800,
            session_id: Uuid::nil(),
            user: User {
                id: Uuid::nil(),
                username: "alice".into(),
                email: "alice@example.com".into(),
                full_name: "Alice".into(),
                roles: vec!["user".into()],
                created_at: Utc::now(),
            },
        };
        let printed = format!("{response:?}");
        assert!(!printed.contains("token-body"), "{printed}");
        assert!(!printed.contains("signature"), "{printed}");
        assert!(
            printed.contains("alice"),
            "the rest still prints: {printed}"
        );
    }
}
