//! Liking and unliking a photo: both idempotent, and both tell an unknown photo apart.

use super::PhotoError;
use crate::db::{likes, photos};
use diesel::pg::PgConnection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use uuid::Uuid;

/// `user_id` likes photo `id`; liking it again changes nothing.
pub fn like(conn: &mut PgConnection, id: Uuid, user_id: Uuid) -> Result<(), PhotoError> {
    // The foreign key answers "no such photo" in the same statement.
    match likes::like(conn, id, user_id) {
        Err(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)) => {
            Err(PhotoError::NotFound)
        }
        other => other.map(|_| ()).map_err(PhotoError::from),
    }
}

/// `user_id` no longer likes photo `id`; a like that was never there changes nothing.
pub fn unlike(conn: &mut PgConnection, id: Uuid, user_id: Uuid) -> Result<(), PhotoError> {
    if !likes::unlike(conn, id, user_id)? {
        // Nothing to remove: fine, unless the photo itself does not exist.
        photos::find(conn, id)?;
    }
    Ok(())
}
