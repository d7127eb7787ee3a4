//! `ImageType::sniff` on arbitrary bytes: the first check an upload meets, before anything else
//! reads it. It must never panic, and its answer must agree with the published signatures,
//! re-stated here independently, and depend only on the first `SNIFF_BYTES` bytes: the upload
//! handler sniffs the first bytes as they stream in and the whole body at the end, and the two
//! answers must agree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use resource_service::domain::ImageType;

fuzz_target!(|data: &[u8]| {
    let sniffed = ImageType::sniff(data);

    let prefix = &data[..data.len().min(ImageType::SNIFF_BYTES)];
    assert_eq!(
        ImageType::sniff(prefix),
        sniffed,
        "bytes past the prefix changed the answer"
    );

    let expected = if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageType::Jpeg)
    } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(ImageType::Png)
    } else if data.starts_with(b"GIF8") && matches!(data.get(4..6), Some(b"7a" | b"9a")) {
        Some(ImageType::Gif)
    } else if data.get(0..4) == Some(b"RIFF") && data.get(8..12) == Some(b"WEBP") {
        Some(ImageType::Webp)
    } else {
        None
    };
    assert_eq!(sniffed, expected);

    if let Some(kind) = sniffed {
        assert!(kind.mime().starts_with("image/"));
    }
});
