//! Deleting a photo: its owner may, and so may an `admin`.

use super::PhotoError;
use crate::db::photos;
use crate::domain::Caller;
use diesel::pg::PgConnection;
use diesel::Connection;
use uuid::Uuid;

/// Deletes photo `id` (its bytes and likes go with it) if `caller` owns it or is an `admin`.
pub fn delete_as(conn: &mut PgConnection, id: Uuid, caller: &Caller) -> Result<(), PhotoError> {
    conn.transaction(|conn| {
        let photo = photos::find(conn, id)?;
        if photo.owner_id != caller.id && !caller.is_admin {
            return Err(PhotoError::NotOwner);
        }
        photos::delete(conn, id)?;
        Ok(())
    })
}
