//! A photo as one viewer sees it: the stored row under its owner's newest known name, with its
//! like count and whether the viewer likes it.

use super::PhotoError;
use crate::db::models::PhotoRow;
use crate::db::{known_users, likes, photos};
use diesel::pg::PgConnection;
use diesel::QueryResult;
use uuid::Uuid;

#[derive(Debug)]
pub struct SeenPhoto {
    pub row: PhotoRow,
    pub like_count: i64,
    pub liked_by_me: bool,
}

/// The photo `id` as `viewer` sees it.
pub fn find_seen_by(
    conn: &mut PgConnection,
    id: Uuid,
    viewer: Uuid,
) -> Result<SeenPhoto, PhotoError> {
    let row = photos::find(conn, id)?;
    seen_by(conn, viewer, vec![row])?
        .pop()
        .ok_or(PhotoError::NotFound)
}

/// Adds like counts, the viewer's own likes and the owners' newest names to `rows`, in three
/// queries for the whole page, whatever its length.
pub(super) fn seen_by(
    conn: &mut PgConnection,
    viewer: Uuid,
    rows: Vec<PhotoRow>,
) -> QueryResult<Vec<SeenPhoto>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let counts = likes::counts(conn, &ids)?;
    let mine = likes::liked_by(conn, viewer, &ids)?;
    let owners: Vec<Uuid> = rows.iter().map(|r| r.owner_id).collect();
    let names = known_users::usernames(conn, &owners)?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            let like_count = counts.get(&row.id).copied().unwrap_or(0);
            let liked_by_me = mine.contains(&row.id);
            // The owner's newest known name, not the one at upload time.
            if let Some(name) = names.get(&row.owner_id) {
                row.owner_username.clone_from(name);
            }
            SeenPhoto {
                row,
                like_count,
                liked_by_me,
            }
        })
        .collect())
}
