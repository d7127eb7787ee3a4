//! `TokenProfile::verify_at` on hostile input.
//!
//! A random string almost never gets past the signature check, so most inputs are signed here with
//! the profile's own key before they are verified: the header, claim and time checks behind the
//! signature are what an insider with a leaked or misused key, or a bug in our own issuer, would
//! reach. The first byte picks the mode, so the committed seeds stay readable:
//!
//! - `'0'`: the rest is a whole token, verified as it is.
//! - `'1'` / `'5'`: the rest is `header.payload` (base64url), signed with the current / previous key.
//! - `'2'`: the rest drives a structured generator of header and claims (see [`Forged`]).
//! - `'3'` / `'7'`: the rest is header JSON, a newline, claims JSON; encoded and signed with the
//!   current / previous key.
//!
//! Every input is verified as an access token and as a refresh token. Verification must never
//! panic, and whatever it accepts must satisfy the rules checked independently in [`accepted`].

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use shared_tokens::claims::RegisteredClaims;
use shared_tokens::keys::{KeyRing, Secret};
use shared_tokens::token::{TokenProfile, MAX_TOKEN_BYTES};
use shared_tokens::{AccessClaims, RefreshClaims, ACCESS_TYP, REFRESH_TYP};
use std::fmt::Debug;
use std::sync::LazyLock;
use std::time::Duration;

/// The seeds in `corpus/token_verify` are made by `make_seeds.py` with these same values: keep
/// them in step.
const CURRENT_SECRET: &str = "fuzz-current-secret-0123456789abcdef";
const PREVIOUS_SECRET: &str = "fuzz-previous-secret-0123456789abcdef";
const UNKNOWN_SECRET: &str = "fuzz-unknown-secret-0123456789abcdef";
const NOW: i64 = 1_763_000_000;
const ISSUER: &str = "auth-service";
const ACCESS_AUDIENCE: &str = "resource-service";
const REFRESH_AUDIENCE: &str = "auth-service";
const ACCESS_LIFETIME: u64 = 900;
const REFRESH_LIFETIME: u64 = 7 * 86_400;
const LEEWAY: u64 = 30;

fn secret(value: &str) -> Secret {
    Secret::parse(value).unwrap_or_else(|e| panic!("fuzz secret is invalid: {e}"))
}

/// Both profiles share one ring so that a token of the wrong kind still passes the signature and
/// reaches the `typ` and audience checks.
fn ring() -> KeyRing {
    KeyRing::new(&secret(CURRENT_SECRET), &[secret(PREVIOUS_SECRET)])
}

struct Profile {
    typ: &'static str,
    audience: &'static str,
    lifetime: u64,
    tokens: TokenProfile,
}

impl Profile {
    fn new(typ: &'static str, audience: &'static str, lifetime: u64) -> Self {
        let tokens = TokenProfile::new(
            typ,
            ring(),
            ISSUER,
            audience,
            Duration::from_secs(lifetime),
            Duration::from_secs(LEEWAY),
        );
        Self {
            typ,
            audience,
            lifetime,
            tokens,
        }
    }
}

static ACCESS: LazyLock<Profile> =
    LazyLock::new(|| Profile::new(ACCESS_TYP, ACCESS_AUDIENCE, ACCESS_LIFETIME));
static REFRESH: LazyLock<Profile> =
    LazyLock::new(|| Profile::new(REFRESH_TYP, REFRESH_AUDIENCE, REFRESH_LIFETIME));
static KIDS: LazyLock<[String; 3]> =
    LazyLock::new(|| [CURRENT_SECRET, PREVIOUS_SECRET, UNKNOWN_SECRET].map(|s| secret(s).kid()));

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let signing = if (mode >> 2) & 1 == 0 {
        CURRENT_SECRET
    } else {
        PREVIOUS_SECRET
    };
    let token = match mode % 4 {
        0 => match std::str::from_utf8(rest) {
            Ok(token) => token.to_owned(),
            Err(_) => return,
        },
        1 => match std::str::from_utf8(rest) {
            Ok(message) => signed(message, signing),
            Err(_) => return,
        },
        2 => match Forged::arbitrary_take_rest(Unstructured::new(rest)) {
            Ok(forged) => {
                let token = forged.token();
                if forged.is_genuine() {
                    genuine_verifies(&forged, &token);
                }
                token
            }
            Err(_) => return,
        },
        _ => {
            let text = String::from_utf8_lossy(rest);
            let (header, claims) = text.split_once('\n').unwrap_or((&text, ""));
            signed(&encoded(header.as_bytes(), claims.as_bytes()), signing)
        }
    };
    check::<AccessClaims>(&ACCESS, &token);
    check::<RefreshClaims>(&REFRESH, &token);
});

fn encoded(header: &[u8], claims: &[u8]) -> String {
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    )
}

/// `message` with an HS256 signature by `secret` appended, as our issuer would make it.
fn signed(message: &str, secret: &str) -> String {
    let key = EncodingKey::from_secret(secret.as_bytes());
    match jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256) {
        Ok(signature) => format!("{message}.{signature}"),
        Err(e) => panic!("HMAC signing cannot fail: {e}"),
    }
}

fn check<C>(profile: &Profile, token: &str)
where
    C: DeserializeOwned + Serialize + RegisteredClaims + PartialEq + Debug,
{
    if let Ok(claims) = profile.tokens.verify_at::<C>(token, NOW) {
        accepted(profile, token, &claims);
    }
}

/// The rules of a verified token, re-derived from the token text rather than trusted from the
/// verifier, with arithmetic that cannot overflow.
fn accepted<C>(profile: &Profile, token: &str, claims: &C)
where
    C: DeserializeOwned + Serialize + RegisteredClaims + PartialEq + Debug,
{
    assert!(token.len() <= MAX_TOKEN_BYTES);
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "an accepted token has exactly three parts");

    let header = json_part(parts[0]);
    let header = header
        .as_object()
        .unwrap_or_else(|| panic!("accepted a header that is not a JSON object: {header}"));
    assert_eq!(header.get("alg"), Some(&Value::from("HS256")));
    assert_eq!(header.get("typ"), Some(&Value::from(profile.typ)));
    assert!(
        !header.contains_key("crit"),
        "accepted a header with crit: {:?}",
        header.get("crit")
    );
    let kid = header.get("kid").and_then(Value::as_str);
    assert!(
        kid == Some(&KIDS[0]) || kid == Some(&KIDS[1]),
        "accepted kid {kid:?}, which is not in the ring"
    );

    let payload = json_part(parts[1]);
    assert!(
        payload.is_object(),
        "accepted claims that are not a JSON object: {payload}"
    );

    assert_eq!(claims.issuer(), ISSUER);
    assert_eq!(claims.audience(), profile.audience);
    let (iat, exp, now, leeway) = (
        i128::from(claims.issued_at()),
        i128::from(claims.expires_at()),
        i128::from(NOW),
        i128::from(LEEWAY),
    );
    assert!(exp >= now - leeway, "accepted an expired token");
    assert!(iat <= now + leeway, "accepted a token issued in the future");
    assert!(
        exp - iat <= i128::from(profile.lifetime) + leeway,
        "accepted a lifetime of {} s",
        exp - iat
    );

    // What we accept, we can issue again, and it comes back unchanged.
    let again = match profile.tokens.sign(claims) {
        Ok(again) => again,
        Err(e) => panic!("accepted claims that cannot be signed again: {e}"),
    };
    match profile.tokens.verify_at::<C>(&again, NOW) {
        Ok(back) => assert_eq!(&back, claims),
        Err(r) => panic!("re-signed accepted claims were refused: {r}"),
    }
}

fn json_part(part: &str) -> Value {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .unwrap_or_else(|e| panic!("accepted a part that is not base64url: {e}"));
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("accepted a part that is not JSON: {e}"))
}

/// A header and claim set built field by field, each field either the value that passes, missing,
/// or something else; then signed. Rendered as JSON text rather than through `serde_json::Value`
/// so that duplicate keys, escapes and broken syntax can be produced too.
#[derive(Arbitrary, Debug)]
struct Forged {
    /// Which key signs; the header's `kid` is chosen separately.
    signer: KeyChoice,
    kid: Option<KidChoice>,
    alg: Option<Fragment>,
    typ: Option<Fragment>,
    crit: Option<Fragment>,
    header_extra: Vec<(HeaderName, Fragment)>,
    header_as_array: bool,
    refresh: bool,
    iss: Option<Fragment>,
    aud: Option<Fragment>,
    sub: Option<Fragment>,
    sid: Option<Fragment>,
    jti: Option<Fragment>,
    iat: Option<Fragment>,
    exp: Option<Fragment>,
    username: Option<Fragment>,
    email: Option<Fragment>,
    name: Option<Fragment>,
    roles: Option<Fragment>,
    claims_extra: Vec<(String, Fragment)>,
    claims_as_array: bool,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum KeyChoice {
    Current,
    Previous,
    Unknown,
}

impl KeyChoice {
    fn secret(self) -> &'static str {
        match self {
            Self::Current => CURRENT_SECRET,
            Self::Previous => PREVIOUS_SECRET,
            Self::Unknown => UNKNOWN_SECRET,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum KidChoice {
    Key(KeyChoice),
    Other(Fragment),
}

/// Header fields that other JWT libraries act on and ours must ignore, plus anything else.
#[derive(Arbitrary, Debug)]
enum HeaderName {
    Jku,
    Jwk,
    X5u,
    X5c,
    Cty,
    Alg,
    Typ,
    Kid,
    Crit,
    Other(String),
}

impl HeaderName {
    fn as_str(&self) -> &str {
        match self {
            Self::Jku => "jku",
            Self::Jwk => "jwk",
            Self::X5u => "x5u",
            Self::X5c => "x5c",
            Self::Cty => "cty",
            Self::Alg => "alg",
            Self::Typ => "typ",
            Self::Kid => "kid",
            Self::Crit => "crit",
            Self::Other(name) => name,
        }
    }
}

/// One JSON value in the rendered text.
#[derive(Arbitrary, Debug, Clone)]
enum Fragment {
    /// The value that passes this field's check.
    Expected,
    /// The passing string value written entirely with `\u` escapes.
    EscapedExpected,
    /// A time relative to `NOW`, for probing the expiry, issued-at and lifetime boundaries.
    Offset(i32),
    Str(String),
    Int(i64),
    /// The ends of the `i64` range, where time arithmetic overflows.
    Min,
    Max,
    Float(f64),
    Bool(bool),
    Null,
    Strings(Vec<String>),
    /// Spliced in verbatim: may be any JSON, or none.
    Raw(String),
}

impl Forged {
    fn token(&self) -> String {
        let (typ, audience, lifetime) = if self.refresh {
            (REFRESH_TYP, REFRESH_AUDIENCE, REFRESH_LIFETIME)
        } else {
            (ACCESS_TYP, ACCESS_AUDIENCE, ACCESS_LIFETIME)
        };
        let kid = match &self.kid {
            Some(KidChoice::Key(key)) => Some(Fragment::Str(secret(key.secret()).kid())),
            Some(KidChoice::Other(other)) => Some(other.clone()),
            None => None,
        };
        let mut header = vec![
            field("alg", &self.alg, "HS256"),
            field("typ", &self.typ, typ),
            list_field("crit", &self.crit, r#"["exp"]"#),
            field("kid", &kid, &KIDS[0]),
        ];
        for (name, value) in self.header_extra.iter().take(4) {
            header.push(Some((name.as_str().to_owned(), value.render(""))));
        }

        let expiry = (NOW as i128 + i128::from(lifetime)).to_string();
        let mut claims = vec![
            field("iss", &self.iss, ISSUER),
            field("aud", &self.aud, audience),
            field("sub", &self.sub, "6f1c1d7e-2b7a-4c55-9a3e-0c6f4b2a9d10"),
            field("sid", &self.sid, "2a9e3c4b-8d1f-4e6a-b7c5-1d2e3f4a5b6c"),
            field("jti", &self.jti, "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
            time_field("iat", &self.iat, &NOW.to_string()),
            time_field("exp", &self.exp, &expiry),
        ];
        if !self.refresh {
            claims.extend([
                field("username", &self.username, "alice"),
                field("email", &self.email, "alice@example.com"),
                field("name", &self.name, "Alice"),
                list_field("roles", &self.roles, r#"["user"]"#),
            ]);
        }
        for (name, value) in self.claims_extra.iter().take(4) {
            claims.push(Some((name.clone(), value.render(""))));
        }

        let header = render(header, self.header_as_array);
        let claims = render(claims, self.claims_as_array);
        signed(
            &encoded(header.as_bytes(), claims.as_bytes()),
            self.signer.secret(),
        )
    }
}

impl Forged {
    /// Every field is the passing value and the token is signed by the key its `kid` names: what
    /// our own issuer makes, so it must verify.
    fn is_genuine(&self) -> bool {
        let expected = |f: &Option<Fragment>| matches!(f, Some(Fragment::Expected));
        let signer_named = match (&self.kid, self.signer) {
            (Some(KidChoice::Key(KeyChoice::Current)), KeyChoice::Current) => true,
            (Some(KidChoice::Key(KeyChoice::Previous)), KeyChoice::Previous) => true,
            _ => false,
        };
        let access_only = [&self.username, &self.email, &self.name, &self.roles];
        signer_named
            && [&self.alg, &self.typ].into_iter().all(expected)
            && self.crit.is_none()
            && self.header_extra.is_empty()
            && !self.header_as_array
            && [
                &self.iss, &self.aud, &self.sub, &self.sid, &self.jti, &self.iat, &self.exp,
            ]
            .into_iter()
            .all(expected)
            && (self.refresh || access_only.into_iter().all(expected))
            && self.claims_extra.is_empty()
            && !self.claims_as_array
    }
}

fn genuine_verifies(forged: &Forged, token: &str) {
    let refused = if forged.refresh {
        REFRESH.tokens.verify_at::<RefreshClaims>(token, NOW).err()
    } else {
        ACCESS.tokens.verify_at::<AccessClaims>(token, NOW).err()
    };
    if let Some(rejection) = refused {
        panic!("a token as our issuer makes it was refused: {rejection}");
    }
}

type Field = Option<(String, String)>;

fn field(name: &str, value: &Option<Fragment>, expected: &str) -> Field {
    value
        .as_ref()
        .map(|v| (name.to_owned(), v.render(&json_string(expected))))
}

fn time_field(name: &str, value: &Option<Fragment>, expected: &str) -> Field {
    value.as_ref().map(|v| {
        let text = match v {
            Fragment::Expected | Fragment::EscapedExpected => expected.to_owned(),
            Fragment::Offset(offset) => (i64::from(*offset) + NOW).to_string(),
            other => other.render(expected),
        };
        (name.to_owned(), text)
    })
}

fn list_field(name: &str, value: &Option<Fragment>, expected: &str) -> Field {
    value
        .as_ref()
        .map(|v| (name.to_owned(), v.render(expected)))
}

/// Missing fields are left out; an array keeps the remaining values in order, which is what a
/// derived `Deserialize` would read positionally if it accepted a sequence.
fn render(fields: Vec<Field>, as_array: bool) -> String {
    let fields = fields.into_iter().flatten();
    let parts: Vec<String> = if as_array {
        fields.map(|(_, value)| value).collect()
    } else {
        fields
            .map(|(name, value)| format!("{}:{value}", json_string(&name)))
            .collect()
    };
    if as_array {
        format!("[{}]", parts.join(","))
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

fn json_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| panic!("a str always serialises: {e}"))
}

impl Fragment {
    /// The JSON text of this value; `expected` is the passing value, already as JSON text.
    fn render(&self, expected: &str) -> String {
        match self {
            Self::Expected => expected.to_owned(),
            Self::EscapedExpected => match serde_json::from_str::<String>(expected) {
                Ok(plain) => {
                    let mut out = String::from("\"");
                    for unit in plain.encode_utf16() {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                    out.push('"');
                    out
                }
                Err(_) => expected.to_owned(),
            },
            Self::Offset(offset) => (i64::from(*offset) + NOW).to_string(),
            Self::Str(s) => json_string(s),
            Self::Int(n) => n.to_string(),
            Self::Min => i64::MIN.to_string(),
            Self::Max => i64::MAX.to_string(),
            Self::Float(f) => serde_json::to_string(f).unwrap_or_else(|_| "null".to_owned()),
            Self::Bool(b) => b.to_string(),
            Self::Null => "null".to_owned(),
            Self::Strings(items) => serde_json::to_string(items)
                .unwrap_or_else(|e| panic!("strings always serialise: {e}")),
            Self::Raw(raw) => raw.clone(),
        }
    }
}
