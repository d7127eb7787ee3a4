//! The JSON bodies auth-service answers with (docs/API.md, auth-service, Bodies). The types are
//! `photo-auth-types`', shared with the client; what fills them from this service's rows is here.

use crate::db::models::{SessionRow, UserRow};
use crate::http::TokenDelivery;
use crate::sessions::{Renewed, Tokens};
use uuid::Uuid;

pub use photo_auth_types::{SessionList, SessionView, TokenResponse, User};

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            username: row.username,
            email: row.email,
            full_name: row.full_name,
            roles: row.roles,
            created_at: row.created_at,
            email_verified: row.email_verified,
            pending_email: row.pending_email,
        }
    }
}

/// The answer of login and refresh: the refresh token in the body too, unless the client asked
/// for cookie-only delivery (docs/COOKIES.md).
pub fn token_response(tokens: Tokens, delivery: TokenDelivery) -> TokenResponse {
    TokenResponse {
        access_token: tokens.access_token,
        token_type: "Bearer".to_owned(),
        expires_in: tokens.expires_in,
        refresh_token: (delivery == TokenDelivery::BodyAndCookie).then_some(tokens.refresh_token),
        refresh_expires_in: tokens.refresh_expires_in,
        session_id: tokens.session_id,
        user: tokens.user.into(),
    }
}

/// The answer of reauthentication: a login's answer without a refresh token, since the
/// session's stays as it is (docs/TOKENS.md, Recent login).
pub fn renewed_response(renewed: Renewed) -> TokenResponse {
    TokenResponse {
        access_token: renewed.access_token,
        token_type: "Bearer".to_owned(),
        expires_in: renewed.expires_in,
        refresh_token: None,
        refresh_expires_in: renewed.refresh_expires_in,
        session_id: renewed.session_id,
        user: renewed.user.into(),
    }
}

/// One session as its owner sees it; `current` marks the one the request came with.
pub fn session_view(row: SessionRow, current: Uuid) -> SessionView {
    SessionView {
        id: row.id,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        expires_at: row.expires_at(),
        user_agent: row.user_agent,
        ip: row.ip,
        current: row.id == current,
    }
}
