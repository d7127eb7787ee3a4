//! The claims (docs/TOKENS.md, Verification, rules 8 to 12): every required claim present and well
//! typed, a refusal that names the claim but repeats no value, the configured issuer and audience,
//! and `exp`, `iat` and the lifetime within the leeway.

use crate::common::{
    access_kid, claims_json, forge, forge_raw, good_header, verify, with, without, ACCESS_SECRET,
    LIFETIME,
};
use serde_json::json;
use shared_tokens::now_unix;
use shared_tokens::token::Rejection;

#[test]
fn missing_required_claims_are_refused() {
    for claim in ["iss", "aud", "sub", "sid", "exp", "iat"] {
        let token = forge(
            &good_header(),
            &without(claims_json(now_unix()), claim),
            ACCESS_SECRET,
        );
        assert!(
            matches!(
                verify(&token),
                Err(Rejection::MissingOrMalformedClaim(_) | Rejection::WrongAudience)
            ),
            "token without {claim} was not refused as missing: {:?}",
            verify(&token)
        );
    }
}

#[test]
fn ill_typed_claims_are_refused() {
    for (claim, value) in [
        ("sub", json!("not-a-uuid")),
        ("sid", json!(42)),
        ("exp", json!("tomorrow")),
        ("iat", json!(null)),
        ("aud", json!(["resource-service", "other"])),
    ] {
        let token = forge(
            &good_header(),
            &with(claims_json(now_unix()), claim, value.clone()),
            ACCESS_SECRET,
        );
        assert!(verify(&token).is_err(), "{claim} = {value} was accepted");
    }
}

#[test]
fn wrong_issuer_or_audience_is_refused() {
    let now = now_unix();
    let token = forge(
        &good_header(),
        &with(claims_json(now), "iss", json!("evil")),
        ACCESS_SECRET,
    );
    assert_eq!(verify(&token).unwrap_err(), Rejection::WrongIssuer);
    let token = forge(
        &good_header(),
        &with(claims_json(now), "aud", json!("auth-service")),
        ACCESS_SECRET,
    );
    assert_eq!(verify(&token).unwrap_err(), Rejection::WrongAudience);
}

#[test]
fn a_missing_claim_is_named_but_no_claim_value_is_repeated() {
    let header = format!(
        r#"{{"alg":"HS256","typ":"at+jwt","kid":"{}"}}"#,
        access_kid()
    );
    let missing = without(claims_json(now_unix()), "sid").to_string();
    assert_eq!(
        verify(&forge_raw(&header, &missing, ACCESS_SECRET)).unwrap_err(),
        Rejection::MissingOrMalformedClaim("missing field `sid`".into())
    );
    let wrong_type = with(
        claims_json(now_unix()),
        "sub",
        json!("secret-looking-value"),
    )
    .to_string();
    let rejection = verify(&forge_raw(&header, &wrong_type, ACCESS_SECRET)).unwrap_err();
    assert!(
        !rejection.to_string().contains("secret-looking-value"),
        "{rejection}"
    );
}

#[test]
fn expired_tokens_are_refused_beyond_the_leeway() {
    let now = now_unix();
    let past = now - LIFETIME as i64 - 31;
    let token = forge(&good_header(), &claims_json(past), ACCESS_SECRET);
    assert_eq!(verify(&token).unwrap_err(), Rejection::Expired);
    // Within the leeway it still passes.
    let recent = now - LIFETIME as i64 - 10;
    let token = forge(&good_header(), &claims_json(recent), ACCESS_SECRET);
    assert!(verify(&token).is_ok());
}

#[test]
fn tokens_issued_in_the_future_are_refused_beyond_the_leeway() {
    let now = now_unix();
    let token = forge(&good_header(), &claims_json(now + 120), ACCESS_SECRET);
    assert_eq!(verify(&token).unwrap_err(), Rejection::IssuedInFuture);
    let token = forge(&good_header(), &claims_json(now + 10), ACCESS_SECRET);
    assert!(verify(&token).is_ok());
}

#[test]
fn lifetimes_longer_than_configured_are_refused() {
    let now = now_unix();
    let claims = with(claims_json(now), "exp", json!(now + 86_400));
    let token = forge(&good_header(), &claims, ACCESS_SECRET);
    assert_eq!(verify(&token).unwrap_err(), Rejection::LifetimeTooLong);
}
