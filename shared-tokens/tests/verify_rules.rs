//! Every rule of docs/TOKENS.md, Verification, one test each, with forged tokens built by hand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use shared_tokens::keys::{KeyRing, Secret};
use shared_tokens::token::{Rejection, TokenProfile, ACCESS_TYP, REFRESH_TYP};
use shared_tokens::{now_unix, AccessClaims, RefreshClaims};
use std::time::Duration;
use uuid::Uuid;

const ACCESS_SECRET: &str = "access-secret-access-secret-access-secret";
const OLD_ACCESS_SECRET: &str = "old-access-secret-old-access-secret-0000";
const REFRESH_SECRET: &str = "refresh-secret-refresh-secret-refresh-secret";
const LIFETIME: u64 = 900;
const LEEWAY: u64 = 30;

fn secret(s: &str) -> Secret {
    Secret::parse(s).unwrap()
}

fn access_profile() -> TokenProfile {
    TokenProfile::new(
        ACCESS_TYP,
        KeyRing::new(&secret(ACCESS_SECRET), &[secret(OLD_ACCESS_SECRET)]),
        "auth-service",
        "resource-service",
        Duration::from_secs(LIFETIME),
        Duration::from_secs(LEEWAY),
    )
}

fn refresh_profile() -> TokenProfile {
    TokenProfile::new(
        REFRESH_TYP,
        KeyRing::new(&secret(REFRESH_SECRET), &[]),
        "auth-service",
        "auth-service",
        Duration::from_secs(7 * 86_400),
        Duration::from_secs(LEEWAY),
    )
}

fn claims_json(now: i64) -> Value {
    json!({
        "iss": "auth-service", "aud": "resource-service",
        "sub": Uuid::new_v4(), "sid": Uuid::new_v4(), "jti": Uuid::new_v4(),
        "iat": now, "exp": now + LIFETIME as i64,
        "username": "alice", "email": "alice@example.com", "name": "Alice", "roles": ["user"],
    })
}

fn header(alg: Algorithm, typ: &str, kid: &str) -> Header {
    let mut h = Header::new(alg);
    h.typ = Some(typ.into());
    h.kid = Some(kid.into());
    h
}

/// Signs arbitrary claims with an arbitrary header and secret.
fn forge(header: &Header, claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

fn access_kid() -> String {
    secret(ACCESS_SECRET).kid()
}

fn good_header() -> Header {
    header(Algorithm::HS256, ACCESS_TYP, &access_kid())
}

fn verify(token: &str) -> Result<AccessClaims, Rejection> {
    access_profile().verify(token)
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().unwrap().remove(key);
    claims
}

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
fn a_token_signed_with_a_previous_secret_still_verifies() {
    let kid = secret(OLD_ACCESS_SECRET).kid();
    let token = forge(
        &header(Algorithm::HS256, ACCESS_TYP, &kid),
        &claims_json(now_unix()),
        OLD_ACCESS_SECRET,
    );
    assert!(verify(&token).is_ok());
}

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
fn the_key_comes_only_from_the_ring_never_from_jku_or_jwk() {
    let attacker = "attacker-secret-attacker-secret-attacker";
    let mut h = header(Algorithm::HS256, ACCESS_TYP, &secret(attacker).kid());
    h.jku = Some("https://evil.example/jwks.json".into());
    h.x5u = Some("https://evil.example/cert.pem".into());
    let token = forge(&h, &claims_json(now_unix()), attacker);
    assert_eq!(verify(&token).unwrap_err(), Rejection::UnknownKey);
    // Our own kid but the attacker's signature: the signature decides.
    let mut h = good_header();
    h.jku = Some("https://evil.example/jwks.json".into());
    let token = forge(&h, &claims_json(now_unix()), attacker);
    assert_eq!(verify(&token).unwrap_err(), Rejection::BadSignature);
}

#[test]
fn a_missing_kid_is_refused() {
    let mut h = good_header();
    h.kid = None;
    let token = forge(&h, &claims_json(now_unix()), ACCESS_SECRET);
    assert_eq!(verify(&token).unwrap_err(), Rejection::MissingKeyId);
}

#[test]
fn a_tampered_payload_is_refused() {
    let token = forge(&good_header(), &claims_json(now_unix()), ACCESS_SECRET);
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let forged = with(claims_json(now_unix()), "roles", json!(["user", "admin"]));
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
    assert_eq!(
        verify(&parts.join(".")).unwrap_err(),
        Rejection::BadSignature
    );
}

#[test]
fn oversized_and_malformed_tokens_are_refused_cheaply() {
    assert_eq!(verify(&"a".repeat(9000)).unwrap_err(), Rejection::TooLarge);
    for junk in ["", "abc", "a.b", "a.b.c.d", "....", "eyJ.eyJ.sig"] {
        assert!(verify(junk).is_err(), "{junk:?} was accepted");
    }
}

#[test]
fn self_test_passes_for_a_working_profile() {
    let result = access_profile()
        .self_test(|now| serde_json::from_value::<AccessClaims>(claims_json(now)).unwrap());
    assert_eq!(result, Ok(()));
}

/// A token signed by hand from raw header and payload JSON (our own parser, not jsonwebtoken's
/// serialiser, decides what they mean).
fn forge_raw(header_json: &str, payload_json: &str, secret: &str) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header_json),
        URL_SAFE_NO_PAD.encode(payload_json)
    );
    let key = EncodingKey::from_secret(secret.as_bytes());
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{message}.{signature}")
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
