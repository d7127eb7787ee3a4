//! Serving a photo's bytes or its thumbnail: what is known of them (from the serving cache when
//! it has them), the caller's decision on what to answer, and the bytes that answer needs. The
//! decision itself (ETag, `Range`) is HTTP's and made by the caller (`http/conditions.rs`).

use super::content::{find_content, read_content, Content, ContentBody, Which};
use super::service::Photos;
use super::PhotoError;
use std::ops::Range;
use std::sync::Arc;
use uuid::Uuid;

/// What to answer a request for the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    NotModified,
    Whole,
    Part(Range<u64>),
    Unsatisfiable,
}

impl Decision {
    /// What to read from the store: nothing, everything (`Some(None)`) or one range.
    pub fn to_read(&self) -> Option<Option<Range<u64>>> {
        match self {
            Decision::Whole => Some(None),
            Decision::Part(range) => Some(Some(range.clone())),
            Decision::NotModified | Decision::Unsatisfiable => None,
        }
    }
}

/// What a request for the bytes gets: what is known of them, the decision, and the bytes read
/// for it (none for a 304 or a 416).
pub struct Served {
    pub content: Arc<Content>,
    pub decision: Decision,
    pub body: Option<ContentBody>,
}

impl Photos {
    /// The bytes `which` of photo `id`, as much of them as `decide` asks for once it knows their
    /// type, size and tag.
    pub async fn serve(
        &self,
        id: Uuid,
        which: Which,
        decide: impl FnOnce(&Content) -> Decision,
    ) -> Result<Served, PhotoError> {
        let content = find_content(&self.pool, &self.caches.contents, id, which).await?;
        let decision = decide(&content);
        let body = match decision.to_read() {
            Some(range) => {
                let hot = &self.caches.objects;
                Some(read_content(&self.pool, &self.store, hot, &content, range).await?)
            }
            None => None,
        };
        Ok(Served {
            content,
            decision,
            body,
        })
    }
}
