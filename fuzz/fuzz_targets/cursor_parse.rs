//! `PhotoCursor::parse` on arbitrary strings. A cursor comes back from the client verbatim, so it
//! is untrusted input: parsing must never panic, and a cursor that parses must survive our own
//! encoding unchanged, since the next page's cursor is made by `encode`. Where the time it carries
//! is kept as it is, the cursor has one spelling: encoding it gives back the input.
//!
//! Inputs of at least 24 bytes are also read as a raw `(microseconds, id)` pair, so the encode side
//! is exercised with any time a stored photo can carry (years 1 to 9999: its `created_at` is the
//! clock at upload), not only where parsed text lands.

#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use resource_service::domain::PhotoCursor;
use uuid::Uuid;

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z in microseconds.
const EARLIEST_MICROS: i64 = -62_135_596_800_000_000;
const LATEST_MICROS: i64 = 253_402_300_799_999_999;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(cursor) = PhotoCursor::parse(text) {
            let encoded = cursor.encode();
            assert_eq!(PhotoCursor::parse(&encoded), Ok(cursor));
            let decoded = URL_SAFE_NO_PAD
                .decode(text.trim())
                .unwrap_or_else(|e| panic!("parsed a cursor that is not base64url: {e}"));
            assert_eq!(
                decoded.len(),
                24,
                "parsed a cursor of {} bytes",
                decoded.len()
            );
            assert_eq!(&decoded[8..], cursor.id().as_bytes(), "the id changed");
            let micros = decoded.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok());
            if micros.map(i64::from_be_bytes) == Some(cursor.created_at().timestamp_micros()) {
                assert_eq!(encoded, text.trim(), "a cursor has a second spelling");
            }
        }
    }

    if let Some(raw) = data.get(..24) {
        let mut micros = [0u8; 8];
        micros.copy_from_slice(&raw[..8]);
        let mut id = [0u8; 16];
        id.copy_from_slice(&raw[8..]);
        let micros = i64::from_be_bytes(micros).rem_euclid(LATEST_MICROS - EARLIEST_MICROS + 1);
        if let Some(at) = DateTime::from_timestamp_micros(EARLIEST_MICROS + micros) {
            let cursor = PhotoCursor::new(at, Uuid::from_bytes(id));
            let encoded = cursor.encode();
            assert!(encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            assert_eq!(PhotoCursor::parse(&encoded), Ok(cursor));
        }
    }
});
