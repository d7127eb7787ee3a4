//! `Profile` of docs/API.md: the token's identity merged with what is stored.

use crate::profile::StoredProfile;
use chrono::{DateTime, Utc};
use serde::Serialize;
use shared_tokens::AccessClaims;
use utoipa::ToSchema;
use uuid::Uuid;

/// `Profile` of docs/API.md: the token's identity plus what is stored (defaults until first saved).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Profile)]
pub struct ProfileView {
    pub user_id: Uuid,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub roles: Vec<String>,
    pub bio: Option<String>,
    pub avatar_photo_id: Option<Uuid>,
    pub photo_count: i64,
    /// `null` until the profile is first saved.
    pub updated_at: Option<DateTime<Utc>>,
}

impl ProfileView {
    pub fn new(claims: AccessClaims, stored: StoredProfile) -> Self {
        let (bio, avatar_photo_id, updated_at) = match stored.row {
            Some(row) => (row.bio, row.avatar_photo_id, Some(row.updated_at)),
            None => (None, None, None),
        };
        Self {
            user_id: claims.sub,
            username: claims.username,
            email: claims.email,
            full_name: claims.name,
            roles: claims.roles,
            bio,
            avatar_photo_id,
            photo_count: stored.photo_count,
            updated_at,
        }
    }
}
