use service_kit::text::check_storable as storable_text;
/// A full name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub fn parse(input: &str) -> Result<Self, String> {
        storable_text(input)?;
        let trimmed = input.trim();
        let len = trimmed.chars().count();
        if !(1..=100).contains(&len) {
            return Err("must be 1 to 100 characters".into());
        }
        if trimmed.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// What [`Self::parse`] takes, as a JSON Schema pattern (see the `PartialSchema` impl).
    pub fn pattern() -> String {
        use service_kit::openapi::pattern::{CONTROL, WHITESPACE};
        // The trimmed text starts and ends with a character trim keeps.
        let (kept, any) = (format!("[^{WHITESPACE}{CONTROL}]"), format!("[^{CONTROL}]"));
        format!("^[{WHITESPACE}]*{kept}(?:{any}{{0,98}}{kept})?[{WHITESPACE}]*$")
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The rule above as the documents state it: once trimmed, 1 to 100 characters, none of them a
/// control character.
impl utoipa::PartialSchema for FullName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        service_kit::openapi::string_schema(
            Self::pattern(),
            "1 to 100 characters once trimmed, no control characters.",
        )
        .into()
    }
}

impl utoipa::ToSchema for FullName {}

#[cfg(test)]
mod tests {
    use super::FullName;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            FullName::parse("  Zoë Ñoño ").unwrap().into_inner(),
            "Zoë Ñoño"
        );
        assert!(FullName::parse("   ").is_err());
        assert!(FullName::parse(&"é".repeat(100)).is_ok());
        assert!(FullName::parse(&"é".repeat(101)).is_err());
        assert!(FullName::parse("a\nb").is_err());
    }
}
