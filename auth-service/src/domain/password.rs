use service_kit::text::check_storable as storable_text;
use std::fmt;

/// A new password: 8 to 128 characters (not bytes), any Unicode, spaces allowed, no composition
/// rules. Its `Debug` prints nothing, so it cannot reach a log.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, String> {
        // Never stored as text, but one rule for every field keeps clients' lives simple.
        storable_text(input)?;
        let len = input.chars().count();
        if len < 8 {
            return Err("must be at least 8 characters".into());
        }
        if len > 128 {
            return Err("must be at most 128 characters".into());
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The rule above as the documents state it: 8 to 128 characters (JSON Schema lengths count
/// characters too), anything but NUL.
impl utoipa::PartialSchema for Password {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        service_kit::openapi::string_schema(
            r"^[^\u0000]*$".to_owned(),
            "8 to 128 characters (not bytes), any Unicode but NUL; spaces allowed, no \
             composition rules.",
        )
        .min_length(Some(8))
        .max_length(Some(128))
        .into()
    }
}

impl utoipa::ToSchema for Password {}

#[cfg(test)]
mod tests {
    use super::Password;

    #[test]
    fn length_counts_characters_not_bytes() {
        // 8 characters, 32 bytes.
        assert!(Password::parse("🔑🔑🔑🔑🔑🔑🔑🔑").is_ok());
        assert!(Password::parse("seven77").is_err());
        assert!(Password::parse(&"é".repeat(128)).is_ok());
        assert!(Password::parse(&"é".repeat(129)).is_err());
        assert!(Password::parse("spaces are fine").is_ok());
    }

    #[test]
    fn debug_hides_the_password() {
        let p = Password::parse("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }
}
