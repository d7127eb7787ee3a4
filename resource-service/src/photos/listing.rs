//! One page of the photo listing: newest first, keyset-paginated by [`PhotoCursor`].

use super::seen::{seen_by, SeenPhoto};
use crate::db::{known_users, photos};
use crate::domain::{Caller, ListLimit, OwnerFilter, PhotoCursor};
use diesel::pg::PgConnection;
use diesel::QueryResult;

/// Which page a listing asks for, checked at the edge (`http/list_query.rs`).
#[derive(Debug)]
pub struct PageQuery {
    /// Whose photos; every user's when `None`.
    pub owner: Option<OwnerFilter>,
    pub limit: ListLimit,
    /// Where the page starts: the `next_cursor` of the one before.
    pub cursor: Option<PhotoCursor>,
}

#[derive(Debug)]
pub struct Page {
    pub photos: Vec<SeenPhoto>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<PhotoCursor>,
}

/// The page `query` asks for, as the caller sees it. The caller's username from the token is
/// recorded first (`known_users`).
pub fn page(conn: &mut PgConnection, caller: &Caller, query: &PageQuery) -> QueryResult<Page> {
    known_users::lock_and_record(conn, caller.id, &caller.username, caller.token_issued_at)?;
    let owner = query.owner.map(|owner| owner.resolve(caller.id));
    let limit = query.limit;
    // One extra row tells whether another page follows.
    let mut rows = photos::list(conn, owner, query.cursor.as_ref(), limit.get() + 1)?;
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
