//! Properties of the parsers: no panic on any input, normalisation is idempotent, and every
//! string the documents' patterns allow is accepted.

use super::{Email, FullName, Password, Username};
use proptest::prelude::*;
use proptest::string::string_regex;

/// Strings matching a documented pattern as a whole (proptest generates whole matches and takes
/// no anchors).
fn matching(pattern: &str) -> impl Strategy<Value = String> {
    let inner = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$'));
    string_regex(inner.unwrap_or(pattern)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn username_parsing_never_panics_and_is_idempotent(input in any::<String>()) {
        if let Ok(username) = Username::parse(&input) {
            let again = Username::parse(username.as_str()).unwrap();
            prop_assert_eq!(again.as_str(), username.as_str());
            prop_assert_eq!(Username::normalise(username.as_str()), username.as_str());
        }
    }

    #[test]
    fn valid_usernames_survive_case_and_width_changes(name in "[a-z0-9_.-]{3,32}") {
        let upper = name.to_uppercase();
        prop_assert_eq!(Username::parse(&upper).unwrap().into_inner(), name.clone());
        let padded = format!("  {name}\t");
        prop_assert_eq!(Username::parse(&padded).unwrap().into_inner(), name);
    }

    #[test]
    fn email_parsing_never_panics_and_is_idempotent(input in any::<String>()) {
        if let Ok(email) = Email::parse(&input) {
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email.clone());
            prop_assert!(email.as_str().len() <= 254);
            prop_assert_eq!(email.as_str().matches('@').count(), 1);
        }
    }

    #[test]
    fn password_length_counts_characters(input in any::<String>()) {
        let chars = input.chars().count();
        prop_assert_eq!(Password::parse(&input).is_ok(), (8..=128).contains(&chars));
    }

    #[test]
    fn full_name_parsing_never_panics_and_is_idempotent(input in any::<String>()) {
        if let Ok(name) = FullName::parse(&input) {
            let inner = name.into_inner();
            prop_assert_eq!(FullName::parse(&inner).unwrap().into_inner(), inner);
        }
    }

    #[test]
    fn every_username_the_document_allows_is_accepted(input in matching(&Username::pattern())) {
        prop_assert!(Username::parse(&input).is_ok(), "{:?}", input);
    }

    #[test]
    fn every_email_the_document_allows_is_accepted(input in matching(&Email::pattern())) {
        // The one rule the pattern cannot state: at most 254 bytes, once normalised.
        prop_assume!(Email::normalise(&input).len() <= 254);
        prop_assert!(Email::parse(&input).is_ok(), "{:?}", input);
    }

    #[test]
    fn every_full_name_the_document_allows_is_accepted(input in matching(&FullName::pattern())) {
        prop_assert!(FullName::parse(&input).is_ok(), "{:?}", input);
    }
}
