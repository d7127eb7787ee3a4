//! What the events mean for this service's own data (docs/EVENTS.md, Consequences): a deleted
//! account's photos, likes and profile go; a changed username shows at once. Applied a page at a
//! time, with the position in the same transaction, so each page is applied once and in order
//! however many instances follow the feed, and a crash applies it again rather than never.

use super::feed::{FeedEvent, FeedPage};
use crate::db::{deleted_users, erase, event_position, known_users};
use diesel::{Connection, PgConnection, QueryResult};

/// What became of a page.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// Applied; the position is the page's.
    Done,
    /// Another instance applied it first: the position held is this.
    AlreadyAt(i64),
}

/// Applies `page`, read after position `after`, unless the database has moved past `after`.
pub fn apply_page(conn: &mut PgConnection, after: i64, page: &FeedPage) -> QueryResult<Applied> {
    conn.transaction(|conn| {
        let held = event_position::lock(conn)?;
        if held != after {
            return Ok(Applied::AlreadyAt(held));
        }
        for event in &page.events {
            apply(conn, event)?;
        }
        event_position::set(conn, page.position)?;
        Ok(Applied::Done)
    })
}

fn apply(conn: &mut PgConnection, event: &FeedEvent) -> QueryResult<()> {
    let Some(user_id) = event.id("user_id") else {
        return Ok(());
    };
    match event.kind.as_str() {
        "user.deleted" => {
            deleted_users::remember(conn, user_id, event.timestamp)?;
            let erased = erase::everything_of(conn, user_id)?;
            log::info!(
                "account deleted at auth-service, erased here: user_id={user_id} photos={} likes={} profile={}",
                erased.photos,
                erased.likes,
                erased.profile
            );
        }
        "user.updated" => {
            if let Some(username) = event.data.get("username").and_then(|v| v.as_str()) {
                // As if seen in a token issued the second after the change: no token issued
                // before it can bring the old name back.
                let after_change = event.timestamp.timestamp() + 1;
                known_users::lock_and_record(conn, user_id, username, after_change)?;
            }
        }
        _ => {}
    }
    Ok(())
}
