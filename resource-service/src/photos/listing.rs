//! One page of the photo listing: newest first, keyset-paginated by [`PhotoCursor`].

use super::seen::{seen_by, SeenPhoto};
use crate::db::{known_users, photos};
use crate::domain::{Caller, ListLimit, PhotoCursor};
use diesel::pg::PgConnection;
use diesel::QueryResult;
use uuid::Uuid;

#[derive(Debug)]
pub struct Page {
    pub photos: Vec<SeenPhoto>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<PhotoCursor>,
}

/// Up to `limit` photos of `owner` (every user's when `None`) after `cursor`, as the caller sees
/// them. The caller's username from the token is recorded first (`known_users`).
pub fn page(
    conn: &mut PgConnection,
    caller: &Caller,
    owner: Option<Uuid>,
    cursor: Option<&PhotoCursor>,
    limit: ListLimit,
) -> QueryResult<Page> {
    known_users::lock_and_record(conn, caller.id, &caller.username, caller.token_issued_at)?;
    // One extra row tells whether another page follows.
    let mut rows = photos::list(conn, owner, cursor, limit.get() + 1)?;
    let more = rows.len() as i64 > limit.get();
    rows.truncate(limit.get() as usize);
    let next_cursor = more
        .then(|| rows.last().map(|r| PhotoCursor::new(r.created_at, r.id)))
        .flatten();
    Ok(Page {
        photos: seen_by(conn, caller.id, rows)?,
        next_cursor,
    })
}
