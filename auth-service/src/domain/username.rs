use unicode_normalization::UnicodeNormalization;

/// A username: trimmed, NFKC-normalised, lowercased, then `[a-z0-9_.-]{3,32}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, String> {
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

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

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
