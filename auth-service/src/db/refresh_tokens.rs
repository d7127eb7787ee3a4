//! Queries on `refresh_tokens`. Tokens are looked up by their SHA-256, never stored in clear.

use crate::db::models::{NewRefreshToken, RefreshTokenRow};
use crate::db::schema::refresh_tokens;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

pub fn insert(conn: &mut PgConnection, token: &NewRefreshToken<'_>) -> QueryResult<usize> {
    diesel::insert_into(refresh_tokens::table)
        .values(token)
        .execute(conn)
}

pub fn find_by_hash(
    conn: &mut PgConnection,
    session_id: Uuid,
    hash: &[u8],
) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .filter(refresh_tokens::session_id.eq(session_id))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_generation(
    conn: &mut PgConnection,
    session_id: Uuid,
    generation: i32,
) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::session_id.eq(session_id))
        .filter(refresh_tokens::generation.eq(generation))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

pub fn mark_used(conn: &mut PgConnection, jti: Uuid, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(refresh_tokens::table.find(jti))
        .set(refresh_tokens::used_at.eq(now))
        .execute(conn)
}
