//! Property: `verify` never accepts a token that differs from a validly signed one in any byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use shared_tokens::keys::{KeyRing, Secret};
use shared_tokens::token::{TokenProfile, ACCESS_TYP};
use shared_tokens::{now_unix, AccessClaims};
use std::time::Duration;
use uuid::Uuid;

fn profile() -> TokenProfile {
    TokenProfile::new(
        ACCESS_TYP,
        KeyRing::new(
            &Secret::parse("property-test-secret-property-test-secret").unwrap(),
            &[],
        ),
        "auth-service",
        "resource-service",
        Duration::from_secs(900),
        Duration::from_secs(30),
    )
}

fn signed(profile: &TokenProfile, username: &str) -> String {
    let now = now_unix();
    profile
        .sign(&AccessClaims {
            iss: "auth-service".into(),
            aud: "resource-service".into(),
            sub: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            jti: Uuid::new_v4(),
            iat: now,
            exp: now + 900,
            username: username.into(),
            email: "someone@example.com".into(),
            name: "Someone".into(),
            roles: vec!["user".into()],
            email_verified: true,
            auth_time: Some(now),
        })
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn changing_any_byte_of_a_valid_token_makes_it_invalid(
        username in "[a-z]{3,12}",
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
    ) {
        let profile = profile();
        let token = signed(&profile, &username);
        prop_assert!(profile.verify::<AccessClaims>(&token).is_ok());

        let mut bytes = token.into_bytes();
        let i = position.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        let tampered = String::from_utf8_lossy(&bytes).into_owned();
        prop_assert!(profile.verify::<AccessClaims>(&tampered).is_err(), "accepted {tampered}");
    }

    #[test]
    fn verify_never_panics_on_arbitrary_input(input in ".{0,600}") {
        let _ = profile().verify::<AccessClaims>(&input);
    }
}
