//! Queries on `refresh_tokens`. Tokens are looked up by their SHA-256, never stored in clear;
//! rotation reads and writes them in the database's own function (`db::rotation`).

use crate::db::models::NewRefreshToken;
use crate::db::schema::refresh_tokens;
use diesel::prelude::*;

pub fn insert(conn: &mut PgConnection, token: &NewRefreshToken<'_>) -> QueryResult<usize> {
    diesel::insert_into(refresh_tokens::table)
        .values(token)
        .execute(conn)
}
