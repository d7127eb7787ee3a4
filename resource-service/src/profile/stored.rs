//! The profile's database steps, each a sync function on a connection: read the caller's stored
//! profile and photo count, apply a checked change, erase everything the caller owns.

use super::change::{ProfileChange, ProfileError, NOT_YOUR_PHOTO};
use crate::db::erase::everything_of;
use crate::db::models::{ProfileChanges, ProfileRow};
use crate::db::{known_users, photos, profiles};
use crate::domain::{Bio, Caller};
use diesel::pg::PgConnection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::QueryResult;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What is stored for the caller: the profile (`None` until first saved) and the photo count.
#[derive(Debug)]
pub struct StoredProfile {
    pub row: Option<ProfileRow>,
    pub photo_count: i64,
}

/// The caller's stored profile and photo count. The caller's username from the token is recorded
/// first (`known_users`).
pub fn read(conn: &mut PgConnection, caller: &Caller) -> QueryResult<StoredProfile> {
    known_users::lock_and_record(conn, caller.id, &caller.username, caller.token_issued_at)?;
    Ok(StoredProfile {
        row: profiles::find(conn, caller.id)?,
        photo_count: photos::count_by_owner(conn, caller.id)?,
    })
}

/// Applies `change` to the caller's profile (created when missing) and answers what is stored.
pub fn update(
    conn: &mut PgConnection,
    caller: &Caller,
    change: &ProfileChange,
) -> Result<StoredProfile, ProfileError> {
    known_users::lock_and_record(conn, caller.id, &caller.username, caller.token_issued_at)?;
    let changes = ProfileChanges {
        bio: change.bio.as_ref().map(|b| b.as_ref().map(Bio::as_str)),
        avatar_photo_id: change.avatar_photo_id,
    };
    // The database guarantees the avatar is one of the caller's photos.
    let row = match profiles::upsert(conn, caller.id, &changes) {
        Err(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info))
            if info.constraint_name() == Some(profiles::AVATAR_CONSTRAINT) =>
        {
            let field = BTreeMap::from([("avatar_photo_id".to_owned(), NOT_YOUR_PHOTO.to_owned())]);
            return Err(ProfileError::Invalid(field));
        }
        other => other?,
    };
    Ok(StoredProfile {
        row: Some(row),
        photo_count: photos::count_by_owner(conn, caller.id)?,
    })
}

/// Erases everything `user_id` owns here: photos (with their bytes and the likes they got), the
/// likes they gave, the profile. The first step of deleting an account (docs/OPERATIONS.md,
/// "Deleting an account"); running it again is harmless.
pub fn erase(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<()> {
    let erased = everything_of(conn, user_id)?;
    log::info!(
        "profile erased: user_id={user_id} photos={} likes={} profile={}",
        erased.photos,
        erased.likes,
        erased.profile
    );
    Ok(())
}
