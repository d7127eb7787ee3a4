//! The one rule for text that reaches PostgreSQL: it may not hold a NUL character, which a
//! PostgreSQL `text` value cannot store (the database would refuse the statement, and the client
//! would see a 500 for its own bad input). Every domain type that holds client text checks it
//! here, and look-ups by client text (login) skip the database when it fails.

/// The reason given for a field that breaks the rule.
pub const NUL_REASON: &str = "must not contain NUL characters";

/// Whether `text` can be stored or looked up.
pub fn storable(text: &str) -> bool {
    !text.contains('\0')
}

/// `Err(reason)` naming the rule when `text` is not [`storable`].
pub fn check_storable(text: &str) -> Result<(), String> {
    if storable(text) {
        Ok(())
    } else {
        Err(NUL_REASON.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_anywhere_is_refused_and_everything_else_is_storable() {
        for bad in ["\0", "a\0", "\0a", "a\0b"] {
            assert!(!storable(bad), "{bad:?}");
            assert_eq!(check_storable(bad).unwrap_err(), NUL_REASON);
        }
        for good in ["", "alice", "line\nbreak", "tab\t", "ünïcödé", "\u{1}"] {
            assert!(storable(good), "{good:?}");
        }
    }
}
