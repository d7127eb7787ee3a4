use super::text::user_text;

/// A photo's caption: at most 300 characters, trimmed, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption(String);

impl Caption {
    pub const MAX_CHARS: usize = 300;

    /// `Ok(None)` when the text is blank: an empty caption is no caption.
    pub fn parse(input: &str) -> Result<Option<Caption>, String> {
        Ok(user_text(input, Self::MAX_CHARS)?.map(Caption))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The rule above, as the documents state it.
impl utoipa::PartialSchema for Caption {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::text::schema(
            Self::MAX_CHARS,
            "A photo's caption: at most 300 characters as sent; no control characters but tab and line \
             breaks; trimmed, and blank text is none.",
        )
        .into()
    }
}

impl utoipa::ToSchema for Caption {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_hundred_characters_are_the_limit() {
        assert!(Caption::parse(&"ü".repeat(300)).unwrap().is_some());
        assert!(Caption::parse(&"u".repeat(301)).is_err());
    }

    #[test]
    fn blank_caption_is_none() {
        assert_eq!(Caption::parse("").unwrap(), None);
        assert_eq!(Caption::parse(" \t ").unwrap(), None);
    }

    #[test]
    fn nul_is_refused() {
        assert!(Caption::parse("a\0b").is_err());
    }
}
