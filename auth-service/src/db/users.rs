//! Queries on `users`.

use crate::db::models::{NewUser, UserChanges, UserRow};
use crate::db::schema::users;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use uuid::Uuid;

pub fn insert(conn: &mut PgConnection, user: &NewUser<'_>) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values(user)
        .returning(UserRow::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<UserRow> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
}

pub fn find_by_username(conn: &mut PgConnection, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn update_profile(
    conn: &mut PgConnection,
    id: Uuid,
    changes: &UserChanges,
    now: DateTime<Utc>,
) -> QueryResult<UserRow> {
    diesel::update(users::table.find(id))
        .set((changes, users::updated_at.eq(now)))
        .returning(UserRow::as_returning())
        .get_result(conn)
}

pub fn set_password_hash(
    conn: &mut PgConnection,
    id: Uuid,
    hash: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)
}

/// Deletes the user; its sessions and refresh tokens go with it (ON DELETE CASCADE).
pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(users::table.find(id)).execute(conn)
}

/// Adds `role` to the user's roles unless it is there already. Returns the user's roles, or
/// `None` when no such user exists.
pub fn grant_role(
    conn: &mut PgConnection,
    username: &str,
    role: &str,
) -> QueryResult<Option<Vec<String>>> {
    #[derive(QueryableByName)]
    struct Roles {
        #[diesel(sql_type = diesel::sql_types::Array<Text>)]
        roles: Vec<String>,
    }
    diesel::sql_query(
        "UPDATE users SET roles = CASE WHEN $2 = ANY(roles) THEN roles ELSE array_append(roles, $2) END, \
         updated_at = now() WHERE username = $1 RETURNING roles",
    )
    .bind::<Text, _>(username)
    .bind::<Text, _>(role)
    .get_result::<Roles>(conn)
    .optional()
    .map(|r| r.map(|r| r.roles))
}

/// Sets (or with `None` clears) the address waiting for verification.
pub fn set_pending_email(
    conn: &mut PgConnection,
    id: Uuid,
    pending: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<UserRow> {
    diesel::update(users::table.find(id))
        .set((users::pending_email.eq(pending), users::updated_at.eq(now)))
        .returning(UserRow::as_returning())
        .get_result(conn)
}

/// The owner proved `email` is theirs: it becomes the verified address, replacing the old one
/// when it was the pending change. A pending address taken by another account since is a
/// unique violation on `email`.
pub fn verify_email(
    conn: &mut PgConnection,
    id: Uuid,
    email: &str,
    now: DateTime<Utc>,
) -> QueryResult<UserRow> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::email_verified.eq(true),
            users::pending_email.eq(None::<String>),
            users::updated_at.eq(now),
        ))
        .returning(UserRow::as_returning())
        .get_result(conn)
}

/// Sets the password from a reset link. The link reached `proven_email`; if that is still the
/// account's address, the address is verified by the same act.
pub fn reset_password(
    conn: &mut PgConnection,
    id: Uuid,
    hash: &str,
    proven_email: &str,
    now: DateTime<Utc>,
) -> QueryResult<UserRow> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::email_verified.eq(users::email_verified.or(users::email.eq(proven_email))),
            users::updated_at.eq(now),
        ))
        .returning(UserRow::as_returning())
        .get_result(conn)
}
