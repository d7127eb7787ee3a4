use service_kit::text::check_storable as storable_text;
/// An email address: trimmed, lowercased, exactly one `@` with text on both sides, at most 254
/// bytes. Deliverability is not our business; uniqueness after normalisation is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        storable_text(input)?;
        let normalised = Self::normalise(input);
        if normalised.len() > 254 {
            return Err("must be at most 254 bytes".into());
        }
        let mut parts = normalised.split('@');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(local), Some(domain), None) if !local.is_empty() && !domain.is_empty() => {}
            _ => return Err("must contain exactly one '@' with text on both sides".into()),
        }
        if normalised
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("must not contain spaces".into());
        }
        Ok(Self(normalised))
    }

    pub fn normalise(input: &str) -> String {
        input.trim().to_lowercase()
    }

    /// What [`Self::parse`] takes, but for the byte limit, as a JSON Schema pattern (see the
    /// `PartialSchema` impl).
    pub fn pattern() -> String {
        use service_kit::openapi::pattern::{CONTROL, WHITESPACE};
        let part = format!("[^@{WHITESPACE}{CONTROL}]+");
        format!("^[{WHITESPACE}]*{part}@{part}[{WHITESPACE}]*$")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The rule above as the documents state it: exactly one `@` with text on both sides, no
/// whitespace or control character, whitespace around allowed (it is trimmed). The 254-byte limit
/// counts UTF-8 bytes, which a JSON Schema length cannot; the description says it.
impl utoipa::PartialSchema for Email {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        service_kit::openapi::string_schema(
            Self::pattern(),
            "Exactly one '@' with text on both sides, no whitespace or control characters; \
             trimmed and lowercased, then at most 254 bytes of UTF-8.",
        )
        .into()
    }
}

impl utoipa::ToSchema for Email {}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Alice@Example.COM ").unwrap().as_str(),
            "alice@example.com"
        );
    }

    #[test]
    fn bad_emails_are_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "a@b@c",
            "a b@c.d",
            &long,
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
