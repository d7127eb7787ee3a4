//! A photo's bytes, read only when the client does not already hold them.

use crate::db::models::ContentMeta;
use crate::db::photos;
use diesel::pg::PgConnection;
use diesel::QueryResult;
use uuid::Uuid;

#[derive(Debug)]
pub struct PhotoContent {
    pub meta: ContentMeta,
    /// `None` when the client already holds these bytes: they were not read.
    pub bytes: Option<Vec<u8>>,
}

/// The stored type and hash of photo `id`, and its bytes unless `client_holds` says, given the
/// SHA-256 of the bytes, that the client already has them.
pub fn read_content(
    conn: &mut PgConnection,
    id: Uuid,
    client_holds: impl FnOnce(&str) -> bool,
) -> QueryResult<PhotoContent> {
    let meta = photos::content_meta(conn, id)?;
    if client_holds(&meta.sha256) {
        return Ok(PhotoContent { meta, bytes: None });
    }
    let bytes = photos::content_bytes(conn, id)?;
    if i64::try_from(bytes.len()).ok() != Some(meta.size_bytes) {
        log::error!("photo {id}: stored size and bytes disagree");
    }
    Ok(PhotoContent {
        meta,
        bytes: Some(bytes),
    })
}
