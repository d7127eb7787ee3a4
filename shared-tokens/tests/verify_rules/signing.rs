//! What the profile itself signs (docs/TOKENS.md, Access token): its tokens verify with the same
//! claims, carry `typ`, `kid` and the pinned algorithm in the header, and pass the start-up
//! self-test.

use crate::common::{access_kid, access_profile, claims_json};
use jsonwebtoken::Algorithm;
use shared_tokens::{now_unix, AccessClaims};

#[test]
fn a_token_signed_by_the_profile_verifies_with_the_same_claims() {
    let profile = access_profile();
    let claims: AccessClaims = serde_json::from_value(claims_json(now_unix())).unwrap();
    let token = profile.sign(&claims).unwrap();
    assert_eq!(profile.verify::<AccessClaims>(&token).unwrap(), claims);
}

#[test]
fn the_header_carries_typ_kid_and_the_pinned_algorithm() {
    let claims: AccessClaims = serde_json::from_value(claims_json(now_unix())).unwrap();
    let token = access_profile().sign(&claims).unwrap();
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::HS256);
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    assert_eq!(header.kid, Some(access_kid()));
}

#[test]
fn self_test_passes_for_a_working_profile() {
    let result = access_profile()
        .self_test(|now| serde_json::from_value::<AccessClaims>(claims_json(now)).unwrap());
    assert_eq!(result, Ok(()));
}
