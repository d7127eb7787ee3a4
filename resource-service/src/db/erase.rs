//! Erasing everything one user owns here: the first step of deleting an account
//! (docs/OPERATIONS.md, "Deleting an account").

use crate::db::schema::{known_users, photo_likes, photos, profiles};
use diesel::prelude::*;
use uuid::Uuid;

/// What was removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub photos: usize,
    pub likes: usize,
    pub profile: bool,
}

/// Removes, in one transaction, the user's photos (their bytes and the likes they received go
/// with them by foreign key), the likes the user gave, the profile and the remembered username.
pub fn everything_of(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<Erased> {
    conn.transaction(|conn| {
        // The profile first: its avatar points at one of the photos.
        let profile = diesel::delete(profiles::table.find(user_id)).execute(conn)? == 1;
        let likes = diesel::delete(photo_likes::table.filter(photo_likes::user_id.eq(user_id)))
            .execute(conn)?;
        let photos =
            diesel::delete(photos::table.filter(photos::owner_id.eq(user_id))).execute(conn)?;
        diesel::delete(known_users::table.find(user_id)).execute(conn)?;
        Ok(Erased {
            photos,
            likes,
            profile,
        })
    })
}
