use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Where the next page of a listing starts: the `(created_at, id)` of the last photo shown.
/// Clients see it as an opaque base64url string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoCursor {
    created_at: DateTime<Utc>,
    id: Uuid,
}

/// Bytes of an encoded cursor: 8 for the timestamp in microseconds, 16 for the id.
const ENCODED_BYTES: usize = 24;

impl PhotoCursor {
    pub fn new(created_at: DateTime<Utc>, id: Uuid) -> Self {
        Self { created_at, id }
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    /// PostgreSQL keeps microseconds, so a cursor made from a stored row round-trips exactly.
    pub fn encode(&self) -> String {
        let mut bytes = [0u8; ENCODED_BYTES];
        bytes[..8].copy_from_slice(&self.created_at.timestamp_micros().to_be_bytes());
        bytes[8..].copy_from_slice(self.id.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn parse(input: &str) -> Result<PhotoCursor, String> {
        const BAD: &str = "is not a cursor this service gave out";
        let bytes = URL_SAFE_NO_PAD
            .decode(input.trim())
            .map_err(|_| BAD.to_owned())?;
        let bytes: [u8; ENCODED_BYTES] = bytes.try_into().map_err(|_| BAD.to_owned())?;
        let mut micros = [0u8; 8];
        micros.copy_from_slice(&bytes[..8]);
        let created_at = DateTime::from_timestamp_micros(i64::from_be_bytes(micros))
            .ok_or_else(|| BAD.to_owned())?;
        let id = Uuid::from_slice(&bytes[8..]).map_err(|_| BAD.to_owned())?;
        Ok(PhotoCursor { created_at, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips() {
        let at = DateTime::from_timestamp_micros(1_763_891_234_567_890).unwrap();
        let cursor = PhotoCursor::new(at, Uuid::new_v4());
        let text = cursor.encode();
        assert!(text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(PhotoCursor::parse(&text).unwrap(), cursor);
    }

    #[test]
    fn garbage_is_refused() {
        let too_short = URL_SAFE_NO_PAD.encode([1u8; 23]);
        let too_long = URL_SAFE_NO_PAD.encode([1u8; 25]);
        let out_of_range = URL_SAFE_NO_PAD.encode([0xffu8; 24].map(|b| b & 0x7f));
        for bad in [
            "",
            "not base64!",
            "AAAA",
            &too_short,
            &too_long,
            &out_of_range,
        ] {
            assert!(PhotoCursor::parse(bad).is_err(), "{bad:?}");
        }
    }
}
