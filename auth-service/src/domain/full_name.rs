/// A full name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub fn parse(input: &str) -> Result<Self, String> {
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

    pub fn into_inner(self) -> String {
        self.0
    }
}

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
