use service_kit::text::check_storable as storable_text;
use unicode_normalization::UnicodeNormalization;

/// A username: trimmed, NFKC-normalised, lowercased, then `[a-z0-9_.-]{3,32}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, String> {
        storable_text(input)?;
        let normalised = Self::normalise(input);
        let len = normalised.chars().count();
        if !(3..=32).contains(&len) {
            return Err("must be 3 to 32 characters".into());
        }
        if !normalised
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
        {
            return Err("may contain only a-z, 0-9, '_', '.' and '-'".into());
        }
        Ok(Self(normalised))
    }

    /// The form a username is stored and looked up in; used for login too, where an invalid
    /// name must fail exactly like an unknown one.
    pub fn normalise(input: &str) -> String {
        input.trim().nfkc().collect::<String>().to_lowercase()
    }

    /// What [`Self::parse`] takes, as a JSON Schema pattern (see the `PartialSchema` impl).
    pub fn pattern() -> String {
        use service_kit::openapi::pattern::WHITESPACE;
        format!("^[{WHITESPACE}]*[A-Za-z0-9_.-]{{3,32}}[{WHITESPACE}]*$")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The rule above as the documents state it: 3 to 32 of `a-z 0-9 _ . -` in either case, with
/// whitespace around allowed (it is trimmed). NFKC folds a few more spellings into that alphabet
/// (fullwidth `ＡＬＩＣＥ` is `alice`); a pattern cannot say which, so the document leaves them out
/// and a client that follows it is never refused.
impl utoipa::PartialSchema for Username {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        service_kit::openapi::string_schema(
            Self::pattern(),
            "3 to 32 of a-z, 0-9, '_', '.' and '-'; trimmed, NFKC-normalised and lowercased \
             before the check, and stored lowercased.",
        )
        .into()
    }
}

impl utoipa::ToSchema for Username {}

#[cfg(test)]
mod tests {
    use super::Username;

    #[test]
    fn usernames_are_trimmed_folded_and_lowercased() {
        assert_eq!(Username::parse("  Alice_01 ").unwrap().as_str(), "alice_01");
        // Fullwidth letters fold to ASCII under NFKC.
        assert_eq!(Username::parse("ＡＬＩＣＥ").unwrap().as_str(), "alice");
    }

    #[test]
    fn bad_usernames_are_refused() {
        for bad in [
            "",
            "ab",
            "a b c",
            "alice!",
            "élodie",
            &"a".repeat(33),
            "bob\u{0}x",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn edge_lengths_are_accepted() {
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert!(Username::parse("a.b-c_d").is_ok());
    }
}
