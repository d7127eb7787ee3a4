//! The photo pipeline's own parsers on arbitrary bytes (docs/PHOTOS.md, Memory; docs/API.md,
//! "Upload rules"): the header reader that prices a decode before it may start (a JPEG's
//! segments walked by hand), metadata stripping (the JPEG segment allowlist, PNG chunks, WebP
//! chunks and the chunks inside animation frames, GIF blocks) and the whole preparation. None
//! may panic. A priced decode costs at least the file and its stripped copy, and stripping a
//! stripped file changes nothing: what the first pass kept, a second pass keeps.

#![no_main]

use libfuzzer_sys::fuzz_target;
use resource_service::domain::ImageType;
use resource_service::photos::{decode_cost, prepare, strip_metadata};
use std::io::Cursor;

/// The decoder's allocation cap in this harness: well below libFuzzer's memory limit.
const MAX_ALLOC: u64 = 64 * 1024 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some(image) = ImageType::sniff(data) else {
        return;
    };
    let len = data.len() as u64;
    if let Ok(cost) = decode_cost(image, Cursor::new(data), len) {
        assert!(cost >= 2 * len, "{cost} bytes priced for a file of {len}");
    }
    if let Ok(stripped) = strip_metadata(image, data.to_vec()) {
        let again = strip_metadata(image, stripped.clone()).expect("a stripped file strips");
        assert!(again == stripped, "a second strip changed the file");
    }
    let _ = prepare(image, data.to_vec(), MAX_ALLOC);
});
