//! The header's checks (docs/TOKENS.md, Verification, rules 3 to 5): `alg` is exactly the pinned
//! one, `typ` tells an access token from a refresh token (as a media type: any case, optional
//! `application/`), and any `crit`, whatever its value, is refused.

use crate::common::{
    access_kid, access_profile, claims_json, forge, forge_raw, good_header, header,
    refresh_profile, verify, ACCESS_SECRET,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::Algorithm;
use serde_json::{json, Value};
use shared_tokens::token::{Rejection, ACCESS_TYP, REFRESH_TYP};
use shared_tokens::{now_unix, AccessClaims, RefreshClaims};
use uuid::Uuid;

#[test]
fn alg_none_is_refused() {
    let encode = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let header = json!({"alg": "none", "typ": ACCESS_TYP, "kid": access_kid()});
    for signature in ["", "AAAA"] {
        let token = format!(
            "{}.{}.{signature}",
            encode(&header),
            encode(&claims_json(now_unix()))
        );
        // jsonwebtoken has no `none` algorithm, so the header itself does not parse.
        assert!(matches!(
            verify(&token),
            Err(Rejection::WrongAlgorithm | Rejection::Malformed)
        ));
    }
}

#[test]
fn hs512_with_the_right_secret_is_refused() {
    let token = forge(
        &header(Algorithm::HS512, ACCESS_TYP, &access_kid()),
        &claims_json(now_unix()),
        ACCESS_SECRET,
    );
    assert_eq!(verify(&token).unwrap_err(), Rejection::WrongAlgorithm);
}

#[test]
fn a_refresh_token_is_not_an_access_token() {
    let now = now_unix();
    let claims = RefreshClaims {
        iss: "auth-service".into(),
        aud: "auth-service".into(),
        sub: Uuid::new_v4(),
        sid: Uuid::new_v4(),
        jti: Uuid::new_v4(),
        iat: now,
        exp: now + 3600,
    };
    let refresh = refresh_profile().sign(&claims).unwrap();
    assert_eq!(verify(&refresh).unwrap_err(), Rejection::WrongType);
    // And an access token is not a refresh token.
    let access = access_profile()
        .sign(&serde_json::from_value::<AccessClaims>(claims_json(now)).unwrap())
        .unwrap();
    assert_eq!(
        refresh_profile()
            .verify::<RefreshClaims>(&access)
            .unwrap_err(),
        Rejection::WrongType
    );
}

#[test]
fn a_refresh_typ_signed_with_the_access_secret_is_refused() {
    let token = forge(
        &header(Algorithm::HS256, REFRESH_TYP, &access_kid()),
        &claims_json(now_unix()),
        ACCESS_SECRET,
    );
    assert_eq!(verify(&token).unwrap_err(), Rejection::WrongType);
}

#[test]
fn missing_or_other_typ_is_refused() {
    let mut h = good_header();
    h.typ = None;
    assert_eq!(
        verify(&forge(&h, &claims_json(now_unix()), ACCESS_SECRET)).unwrap_err(),
        Rejection::WrongType
    );
    for other in [
        "JWT",
        "rt+jwt",
        "application/jwt",
        "application/",
        "xapplication/at+jwt",
    ] {
        h.typ = Some(other.into());
        assert_eq!(
            verify(&forge(&h, &claims_json(now_unix()), ACCESS_SECRET)).unwrap_err(),
            Rejection::WrongType,
            "{other}"
        );
    }
}

#[test]
fn typ_is_a_media_type_compared_without_case_and_with_application_optional() {
    let mut h = good_header();
    for spelling in [
        "at+jwt",
        "AT+JWT",
        "application/at+jwt",
        "Application/AT+jwt",
    ] {
        h.typ = Some(spelling.into());
        assert!(
            verify(&forge(&h, &claims_json(now_unix()), ACCESS_SECRET)).is_ok(),
            "{spelling}"
        );
    }
}

#[test]
fn an_unknown_crit_header_is_refused() {
    let mut h = good_header();
    h.crit = Some(vec!["exp-ext".into()]);
    let token = forge(&h, &claims_json(now_unix()), ACCESS_SECRET);
    assert_eq!(
        verify(&token).unwrap_err(),
        Rejection::UnknownCriticalHeader
    );
}

#[test]
fn crit_is_refused_whatever_its_value_even_null() {
    let claims = claims_json(now_unix()).to_string();
    for crit in ["null", "[]", r#"["exp"]"#, "{}"] {
        let header = format!(
            r#"{{"alg":"HS256","typ":"at+jwt","kid":"{}","crit":{crit}}}"#,
            access_kid()
        );
        assert_eq!(
            verify(&forge_raw(&header, &claims, ACCESS_SECRET)).unwrap_err(),
            Rejection::UnknownCriticalHeader,
            "crit: {crit}"
        );
    }
}
