//! The token's shape (docs/TOKENS.md, Verification, rules 1, 2 and 8): at most 8 KiB and three
//! base64url parts, a header and a claims set that are JSON objects, no duplicate header field, and
//! JSON escapes read as what they encode, so none smuggles another `alg` or `typ` past the checks.

use crate::common::{access_kid, claims_json, forge_raw, verify, ACCESS_SECRET};
use serde_json::json;
use shared_tokens::now_unix;
use shared_tokens::token::Rejection;

#[test]
fn oversized_and_malformed_tokens_are_refused_cheaply() {
    assert_eq!(verify(&"a".repeat(9000)).unwrap_err(), Rejection::TooLarge);
    for junk in ["", "abc", "a.b", "a.b.c.d", "....", "eyJ.eyJ.sig"] {
        assert!(verify(junk).is_err(), "{junk:?} was accepted");
    }
}

#[test]
fn json_escapes_in_the_header_mean_what_they_say() {
    let claims = claims_json(now_unix()).to_string();
    let escaped = format!(
        r#"{{"alg":"HS256","typ":"at\u002bjwt","kid":"{}"}}"#,
        access_kid()
    );
    assert!(verify(&forge_raw(&escaped, &claims, ACCESS_SECRET)).is_ok());
    // Escaping must not smuggle another algorithm or type past the checks.
    let none = format!(
        r#"{{"alg":"\u006eone","typ":"at+jwt","kid":"{}"}}"#,
        access_kid()
    );
    assert_eq!(
        verify(&forge_raw(&none, &claims, ACCESS_SECRET)).unwrap_err(),
        Rejection::WrongAlgorithm
    );
    let refresh = format!(
        r#"{{"alg":"HS256","typ":"rt\u002bjwt","kid":"{}"}}"#,
        access_kid()
    );
    assert_eq!(
        verify(&forge_raw(&refresh, &claims, ACCESS_SECRET)).unwrap_err(),
        Rejection::WrongType
    );
}

#[test]
fn extra_dots_duplicate_header_fields_and_padding_are_malformed() {
    let claims = claims_json(now_unix()).to_string();
    let header = format!(
        r#"{{"alg":"HS256","typ":"at+jwt","kid":"{}"}}"#,
        access_kid()
    );
    let good = forge_raw(&header, &claims, ACCESS_SECRET);
    assert!(verify(&good).is_ok());
    assert!(verify(&format!("{good}.")).is_err());
    assert!(verify(&format!("x.{good}")).is_err());
    let twice = format!(
        r#"{{"alg":"HS256","alg":"none","typ":"at+jwt","kid":"{}"}}"#,
        access_kid()
    );
    assert_eq!(
        verify(&forge_raw(&twice, &claims, ACCESS_SECRET)).unwrap_err(),
        Rejection::Malformed
    );
    let (message, signature) = good.rsplit_once('.').unwrap();
    assert!(verify(&format!("{message}.{signature}=")).is_err());
}

#[test]
fn a_header_or_claims_set_that_is_not_a_json_object_is_malformed() {
    let now = now_unix();
    let claims = claims_json(now);
    let header = format!(
        r#"{{"alg":"HS256","typ":"at+jwt","kid":"{}"}}"#,
        access_kid()
    );
    // serde reads a struct from an array of its fields in order: the same values as arrays,
    // correctly signed, must still be refused.
    let header_array = format!(r#"["HS256","at+jwt","{}",null]"#, access_kid());
    assert_eq!(
        verify(&forge_raw(
            &header_array,
            &claims.to_string(),
            ACCESS_SECRET
        ))
        .unwrap_err(),
        Rejection::Malformed
    );
    let claims_array = json!([
        claims["iss"],
        claims["aud"],
        claims["sub"],
        claims["sid"],
        claims["jti"],
        claims["iat"],
        claims["exp"],
        claims["username"],
        claims["email"],
        claims["name"],
        claims["roles"]
    ])
    .to_string();
    assert_eq!(
        verify(&forge_raw(&header, &claims_array, ACCESS_SECRET)).unwrap_err(),
        Rejection::Malformed
    );
    // Leading blanks do not change what the value is.
    let spaced = format!(" \n{header}");
    assert!(verify(&forge_raw(&spaced, &claims.to_string(), ACCESS_SECRET)).is_ok());
    for not_object in ["null", "1", r#""s""#, "true"] {
        assert_eq!(
            verify(&forge_raw(not_object, &claims.to_string(), ACCESS_SECRET)).unwrap_err(),
            Rejection::Malformed,
            "{not_object}"
        );
    }
}
