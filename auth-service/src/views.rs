//! The JSON bodies auth-service answers with (docs/API.md, auth-service, Bodies).

use crate::db::models::{SessionRow, UserRow};
use crate::http::TokenDelivery;
use crate::sessions::Tokens;
use chrono::{DateTime, Utc};
use serde::Serialize;
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

// No `Debug`: it holds both tokens.
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
