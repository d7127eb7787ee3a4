//! Deleting a photo: its owner may, and so may an `admin`.

use super::PhotoError;
use crate::db::photos;
use diesel::pg::PgConnection;
use diesel::Connection;
use shared_tokens::AccessClaims;
use uuid::Uuid;

/// Deletes photo `id` (its bytes and likes go with it) if `caller` owns it or is an `admin`.
pub fn delete_as(
    conn: &mut PgConnection,
    id: Uuid,
    caller: &AccessClaims,
) -> Result<(), PhotoError> {
    conn.transaction(|conn| {
        let photo = photos::find(conn, id)?;
        if photo.owner_id != caller.sub && !caller.has_role("admin") {
            return Err(PhotoError::NotOwner);
        }
        photos::delete(conn, id)?;
        Ok(())
    })
}
