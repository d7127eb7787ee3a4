//! The OpenAPI pieces both services' documents share: the error body (docs/API.md, Error body),
//! the access-token security schemes, and the pieces of the patterns that state the text rules.

use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::openapi::schema::Type;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::ObjectBuilder;
use utoipa::ToSchema;

/// Every error: `{"error": "<code>", "message": "...", "fields"?: {name: reason}}`
/// (docs/API.md, Error body).
#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// invalid_request, unauthorized, invalid_token, invalid_credentials (auth),
    /// refresh_token_reused (auth), forbidden, csrf_rejected, not_found, conflict (auth),
    /// method_not_allowed, payload_too_large, unsupported_media_type,
    /// too_many_requests (auth), unavailable or internal.
    pub error: String,
    /// One human sentence.
    pub message: String,
    /// Per-field reasons, for `invalid_request`.
    pub fields: Option<BTreeMap<String, String>>,
}

/// Adds `bearer` (the access JWT in `Authorization`) and `access_cookie` to `openapi`.
pub fn add_access_schemes(openapi: &mut utoipa::openapi::OpenApi) {
    let components = openapi.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("The access token issued by auth-service."))
                .build(),
        ),
    );
    components.add_security_scheme(
        "access_cookie",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "__Host-access_token",
            "The access-token cookie set by auth-service (named `access_token` when \
             COOKIE_SECURE=false). Unsafe methods must pass the origin check.",
        ))),
    );
}

/// Pieces of the `pattern`s the documents state for the services' text rules. Each is spelled so
/// that ECMA-262 (what a JSON Schema pattern is), Python's `re` (what Schemathesis generates from)
/// and Rust's `regex` read it alike: `\uXXXX` escapes and explicit classes, never a shorthand such
/// as `\s`, whose meaning differs between them.
pub mod pattern {
    /// The characters `str::trim` removes (Rust's `char::is_whitespace`, the Unicode White_Space
    /// property), as the inside of a character class.
    pub const WHITESPACE: &str =
        r"\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

    /// Rust's `char::is_control` (Unicode category Cc), as the inside of a character class.
    pub const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";

    /// Text that is not blank once trimmed: it holds a character `str::trim` would keep.
    /// Unanchored, so it matches anywhere.
    pub fn not_blank() -> String {
        format!("[^{WHITESPACE}]")
    }
}

/// A `type: string` schema stating a domain type's rule as a `pattern`, for the domain types' own
/// `utoipa::PartialSchema` implementations (which add lengths where they have them).
pub fn string_schema(pattern: String, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
}

#[cfg(test)]
mod tests {
    use super::pattern::{CONTROL, WHITESPACE};

    /// The characters a class body written like the ones above names: `\uXXXX`, `\t` and
    /// friends, plain characters, and `a-b` ranges.
    fn class_members(class: &str) -> Vec<char> {
        let mut chars = class.chars().peekable();
        let mut single = Vec::new();
        while let Some(c) = chars.next() {
            let c = match c {
                '\\' => match chars.next().unwrap() {
                    't' => '\t',
                    'n' => '\n',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap()
                    }
                    other => panic!("unexpected escape \\{other}"),
                },
                plain => plain,
            };
            single.push(c);
        }
        // Expand `a - b` triples into ranges.
        let mut members = Vec::new();
        let mut i = 0;
        while i < single.len() {
            if i + 2 < single.len() && single[i + 1] == '-' {
                members.extend(single[i]..=single[i + 2]);
                i += 3;
            } else {
                members.push(single[i]);
                i += 1;
            }
        }
        members
    }

    fn every_char() -> impl Iterator<Item = char> {
        (0..=0x10FFFF).filter_map(char::from_u32)
    }

    #[test]
    fn the_whitespace_class_is_exactly_what_trim_removes() {
        let members = class_members(WHITESPACE);
        for c in every_char() {
            assert_eq!(members.contains(&c), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn the_control_class_is_exactly_char_is_control() {
        let members = class_members(CONTROL);
        for c in every_char() {
            assert_eq!(members.contains(&c), c.is_control(), "{c:?}");
        }
    }
}
