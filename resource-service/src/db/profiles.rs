//! Queries on `profiles`.

use crate::db::models::{ProfileChanges, ProfileRow};
use crate::db::schema::profiles;
use diesel::prelude::*;
use uuid::Uuid;

/// The name of the constraint that keeps an avatar among its owner's photos.
pub const AVATAR_CONSTRAINT: &str = "profiles_avatar_fk";

/// The stored profile, if the user ever saved one.
pub fn find(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<Option<ProfileRow>> {
    profiles::table
        .find(user_id)
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()
}

/// Creates the row when missing, then applies `changes` and stamps `updated_at`, in one
/// transaction. An avatar that is not one of the user's photos fails on [`AVATAR_CONSTRAINT`].
pub fn upsert(
    conn: &mut PgConnection,
    user_id: Uuid,
    changes: &ProfileChanges<'_>,
) -> QueryResult<ProfileRow> {
    conn.transaction(|conn| {
        diesel::insert_into(profiles::table)
            .values(profiles::user_id.eq(user_id))
            .on_conflict_do_nothing()
            .execute(conn)?;
        diesel::update(profiles::table.find(user_id))
            .set((changes, profiles::updated_at.eq(diesel::dsl::now)))
            .returning(ProfileRow::as_returning())
            .get_result(conn)
    })
}
