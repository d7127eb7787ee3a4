use super::text::user_text;

/// A profile's free text: at most 500 characters, trimmed, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bio(String);

impl Bio {
    pub const MAX_CHARS: usize = 500;

    /// `Ok(None)` when the text is blank: an empty bio is no bio.
    pub fn parse(input: &str) -> Result<Option<Bio>, String> {
        Ok(user_text(input, Self::MAX_CHARS)?.map(Bio))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The rule above, as the documents state it.
impl utoipa::PartialSchema for Bio {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::text::schema(
            Self::MAX_CHARS,
            "A profile's bio: at most 500 characters as sent; no control characters but tab and line \
             breaks; trimmed, and blank text is none.",
        )
        .into()
    }
}

impl utoipa::ToSchema for Bio {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_hundred_characters_are_accepted_counting_characters_not_bytes() {
        let text = "é".repeat(500);
        assert_eq!(Bio::parse(&text).unwrap().unwrap().as_str(), text);
    }

    #[test]
    fn five_hundred_and_one_characters_are_refused() {
        assert!(Bio::parse(&"a".repeat(501)).is_err());
    }

    #[test]
    fn the_limit_counts_the_text_as_sent_surrounding_space_included() {
        assert!(Bio::parse(&format!("{}a", " ".repeat(500))).is_err());
        assert!(Bio::parse(&format!("{}a", " ".repeat(499))).is_ok());
    }

    #[test]
    fn blank_text_is_no_bio() {
        assert_eq!(Bio::parse("   \n").unwrap(), None);
    }

    #[test]
    fn surrounding_space_is_trimmed_and_line_breaks_kept() {
        let bio = Bio::parse("  line one\nline two  ").unwrap().unwrap();
        assert_eq!(bio.as_str(), "line one\nline two");
    }

    #[test]
    fn control_characters_are_refused() {
        for bad in ["nul\0byte", "bell\u{7}", "esc\u{1b}[31m"] {
            assert!(Bio::parse(bad).is_err(), "{bad:?}");
        }
    }
}
