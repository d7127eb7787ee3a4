//! Small objects kept in memory (docs/PHOTOS.md, Serving): thumbnails, and photos as small as
//! they are, up to a fixed budget. A grid asks for the same thumbnails again and again; from
//! memory each answer is one copy into the socket, with no file to open and no blocking-pool hop.
//! Objects never change under their name, so an entry is never stale; the least used go first.

use bytes::Bytes;
use object_store::path::Path;
use quick_cache::sync::Cache;
use quick_cache::Weighter;

/// What the entries may weigh in all.
pub const BUDGET_BYTES: u64 = 8 * 1024 * 1024;

/// The largest object kept: a thumbnail is well under it, most originals well over.
pub const MAX_OBJECT_BYTES: u64 = 256 * 1024;

#[derive(Clone)]
struct ByLength;

impl Weighter<String, Bytes> for ByLength {
    fn weight(&self, key: &String, bytes: &Bytes) -> u64 {
        (key.len() + bytes.len()) as u64
    }
}

pub struct HotObjects {
    entries: Cache<String, Bytes, ByLength>,
}

impl Default for HotObjects {
    fn default() -> Self {
        let estimated = (BUDGET_BYTES / (32 * 1024)) as usize;
        Self {
            entries: Cache::with_weighter(estimated, BUDGET_BYTES, ByLength),
        }
    }
}

impl HotObjects {
    /// True when an object of `size` bytes is kept here.
    pub fn takes(size: u64) -> bool {
        size <= MAX_OBJECT_BYTES
    }

    pub fn get(&self, key: &Path) -> Option<Bytes> {
        self.entries.get(key.as_ref())
    }

    pub fn keep(&self, key: &Path, bytes: Bytes) {
        if Self::takes(bytes.len() as u64) {
            self.entries.insert(key.to_string(), bytes);
        }
    }

    /// Bytes held, for the tests.
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_objects_are_kept_within_the_budget_and_large_ones_never() {
        let hot = HotObjects::default();
        let key = |n: usize| Path::from(format!("thumbnails/ab/{n}"));
        hot.keep(&key(0), Bytes::from(vec![1; 300 * 1024]));
        assert!(hot.get(&key(0)).is_none(), "over the per-object limit");
        for n in 1..=100 {
            hot.keep(&key(n), Bytes::from(vec![2; 200 * 1024]));
        }
        assert!(hot.weight() <= BUDGET_BYTES, "{}", hot.weight());
        assert!(hot.get(&key(100)).is_some(), "the newest is there");
    }
}
