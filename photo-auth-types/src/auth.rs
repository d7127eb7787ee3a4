//! auth-service's bodies (docs/API.md, auth-service, Bodies).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;
use uuid::Uuid;

/// A user as clients see it: never a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub roles: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// The owner proved `email` is theirs by the mailed link.
    #[serde(default)]
    pub email_verified: bool,
    /// An address the owner asked to change to, waiting for its link to be used; `email`
    /// stays until then.
    #[serde(default)]
    pub pending_email: Option<String>,
}

// The answer of login and refresh. Its `Debug` (below) leaves the tokens out: they are
// credentials. A plain comment, so the OpenAPI schema does not take it as its description.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    /// Absent when the client asked for cookie-only delivery (`X-Token-Delivery: cookie`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, required = false)]
    pub refresh_token: Option<String>,
    pub refresh_expires_in: i64,
    pub session_id: Uuid,
    pub user: User,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
            token_type: "Bearer".into(),
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
                email_verified: false,
                pending_email: None,
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
