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

/// Characters of an encoded cursor: base64 without padding, 4 for every 3 bytes.
const ENCODED_CHARS: usize = ENCODED_BYTES / 3 * 4;

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z in microseconds: inside both what chrono
/// and what PostgreSQL can hold (a time beyond PostgreSQL's range would fail the query).
const EARLIEST_MICROS: i64 = -62_135_596_800_000_000;
const LATEST_MICROS: i64 = 253_402_300_799_999_999;

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

    /// Any 32 characters of base64url name a position: they decode to 24 bytes, a time and an id,
    /// whatever they are. A time outside what the database can hold moves to the nearest end of
    /// that range, which keeps every stored row on the same side of the cursor; so the document
    /// can say exactly which strings are taken ([`Self::PATTERN`]).
    pub fn parse(input: &str) -> Result<PhotoCursor, String> {
        const BAD: &str = "must be 32 characters of A-Z, a-z, 0-9, '-' and '_' (a next_cursor)";
        if input.len() != ENCODED_CHARS {
            return Err(BAD.to_owned());
        }
        let bytes = URL_SAFE_NO_PAD.decode(input).map_err(|_| BAD.to_owned())?;
        let bytes: [u8; ENCODED_BYTES] = bytes.try_into().map_err(|_| BAD.to_owned())?;
        let mut micros = [0u8; 8];
        micros.copy_from_slice(&bytes[..8]);
        let micros = i64::from_be_bytes(micros).clamp(EARLIEST_MICROS, LATEST_MICROS);
        let created_at = DateTime::from_timestamp_micros(micros).ok_or_else(|| BAD.to_owned())?;
        let id = Uuid::from_slice(&bytes[8..]).map_err(|_| BAD.to_owned())?;
        Ok(PhotoCursor { created_at, id })
    }

    /// What [`Self::parse`] takes, as a JSON Schema pattern.
    pub const PATTERN: &str = "^[A-Za-z0-9_-]{32}$";
}

/// The rule of `parse`, as the documents state it.
impl utoipa::PartialSchema for PhotoCursor {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        service_kit::openapi::string_schema(
            Self::PATTERN.to_owned(),
            "The `next_cursor` of the previous page: 32 characters of base64url. Any such \
             string names a position; only those the service gave out are meaningful.",
        )
        .into()
    }
}

impl utoipa::ToSchema for PhotoCursor {}

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
        let padded = format!(" {}", &URL_SAFE_NO_PAD.encode([1u8; 24])[1..]);
        let standard_alphabet = format!("+{}", &URL_SAFE_NO_PAD.encode([1u8; 24])[1..]);
        for bad in [
            "",
            "not base64!",
            "AAAA",
            &too_short,
            &too_long,
            &padded,
            &standard_alphabet,
        ] {
            assert!(PhotoCursor::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn times_beyond_the_database_move_to_its_ends() {
        let earliest = DateTime::from_timestamp_micros(EARLIEST_MICROS).unwrap();
        let latest = DateTime::from_timestamp_micros(LATEST_MICROS).unwrap();
        assert_eq!(earliest.to_rfc3339(), "0001-01-01T00:00:00+00:00");
        assert_eq!(latest.to_rfc3339(), "9999-12-31T23:59:59.999999+00:00");
        let past = [0x80u8; 24];
        let future = [0x7fu8; 24];
        assert_eq!(
            PhotoCursor::parse(&URL_SAFE_NO_PAD.encode(past))
                .unwrap()
                .created_at(),
            earliest
        );
        assert_eq!(
            PhotoCursor::parse(&URL_SAFE_NO_PAD.encode(future))
                .unwrap()
                .created_at(),
            latest
        );
    }

    #[test]
    fn every_string_of_the_pattern_is_a_cursor() {
        for text in [
            "A".repeat(32),
            "_".repeat(32),
            "-".repeat(32),
            "z9".repeat(16),
        ] {
            assert!(PhotoCursor::parse(&text).is_ok(), "{text}");
        }
    }
}
