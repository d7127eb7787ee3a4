//! `Profile` of docs/API.md: the token's identity merged with what is stored.

use crate::profile::StoredProfile;
use shared_tokens::AccessClaims;

pub use photo_auth_types::ProfileView;

/// The profile for the caller whose token holds `claims`.
pub fn profile_view(claims: AccessClaims, stored: StoredProfile) -> ProfileView {
    let (bio, avatar_photo_id, updated_at) = match stored.row {
        Some(row) => (row.bio, row.avatar_photo_id, Some(row.updated_at)),
        None => (None, None, None),
    };
    ProfileView {
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
