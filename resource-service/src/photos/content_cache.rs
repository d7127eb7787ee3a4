//! What the content endpoints know of a photo's bytes (type, size, tag, object), kept for a few
//! seconds (docs/PHOTOS.md, Serving), so a grid of thumbnails or a popular photo costs no
//! database query per request. Only bytes in the photo store are kept: they never change under a
//! photo id. A delete on this instance forgets the photo at once; another instance may answer
//! for up to [`FRESH_FOR`] from its own copy, until the objects themselves are removed.

use super::content::{Content, Source, Which};
use super::hot_objects::HotObjects;
use quick_cache::sync::Cache;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long an entry is used.
pub const FRESH_FOR: Duration = Duration::from_secs(10);

/// How many entries are kept (each about 200 bytes: 2 MB at most). Only photos that exist get
/// an entry, so unknown ids cannot fill it.
const CAPACITY: usize = 10_000;

/// The two caches of the content endpoints, one per instance, shared by its workers.
#[derive(Default)]
pub struct ServingCaches {
    pub contents: ContentCache,
    pub objects: HotObjects,
}

pub struct ContentCache {
    entries: Cache<(Uuid, Which), (Arc<Content>, Instant)>,
}

impl Default for ContentCache {
    fn default() -> Self {
        Self {
            entries: Cache::new(CAPACITY),
        }
    }
}

impl ContentCache {
    /// Shared, not copied: this is every photo request's path.
    pub fn get(&self, id: Uuid, which: Which) -> Option<Arc<Content>> {
        let (content, since) = self.entries.get(&(id, which))?;
        if since.elapsed() < FRESH_FOR {
            return Some(content);
        }
        self.entries.remove(&(id, which));
        None
    }

    pub fn keep(&self, id: Uuid, which: Which, content: &Arc<Content>) {
        if matches!(content.source, Source::Store(_)) {
            self.entries
                .insert((id, which), (Arc::clone(content), Instant::now()));
        }
    }

    pub fn forget(&self, id: Uuid) {
        self.entries.remove(&(id, Which::Original));
        self.entries.remove(&(id, Which::Thumbnail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(source: Source) -> Arc<Content> {
        Arc::new(Content {
            content_type: "image/png".into(),
            size: 10,
            tag: "t".into(),
            source,
        })
    }

    #[test]
    fn only_store_bytes_are_kept_and_a_forgotten_photo_is_gone() {
        let cache = ContentCache::default();
        let id = Uuid::new_v4();
        cache.keep(id, Which::Original, &content(Source::Database(id)));
        assert!(
            cache.get(id, Which::Original).is_none(),
            "bytes still in the database"
        );
        cache.keep(id, Which::Original, &content(Source::Store("o/x".into())));
        cache.keep(id, Which::Thumbnail, &content(Source::Store("t/x".into())));
        assert!(cache.get(id, Which::Original).is_some());
        cache.forget(id);
        assert!(cache.get(id, Which::Original).is_none());
        assert!(cache.get(id, Which::Thumbnail).is_none());
    }
}
