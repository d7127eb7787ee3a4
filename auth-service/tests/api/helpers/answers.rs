//! Reading what the app answered: cookies, JWTs, timings.

use super::*;

/// The decoded header and claims of a JWT (no verification).
pub fn decode_jwt(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let mut part = || {
        let bytes = URL_SAFE_NO_PAD
            .decode(parts.next().expect("a JWT has three parts"))
            .expect("base64url");
        serde_json::from_slice::<Value>(&bytes).expect("JSON")
    };
    let header = part();
    let claims = part();
    (header, claims)
}

/// One `Set-Cookie` header, parsed.
#[derive(Debug, Clone)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// Attribute names in lower case; flags map to `None`.
    pub attributes: HashMap<String, Option<String>>,
}

impl SetCookie {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).and_then(|v| v.as_deref())
    }

    pub fn has(&self, name: &str) -> bool {
        self.attributes.contains_key(name)
    }
}

pub fn set_cookies(headers: &HeaderMap) -> Vec<SetCookie> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| {
            let text = v.to_str().unwrap();
            let mut parts = text.split(';').map(str::trim);
            let (name, value) = parts.next().unwrap().split_once('=').unwrap();
            let attributes = parts
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_owned())),
                    None => (p.to_ascii_lowercase(), None),
                })
                .collect();
            SetCookie {
                name: name.to_owned(),
                value: value.to_owned(),
                attributes,
            }
        })
        .collect()
}

pub fn find_cookie<'a>(cookies: &'a [SetCookie], name: &str) -> &'a SetCookie {
    let matching: Vec<&SetCookie> = cookies.iter().filter(|c| c.name == name).collect();
    assert_eq!(
        matching.len(),
        1,
        "exactly one {name} cookie in {cookies:?}"
    );
    matching[0]
}

pub fn median(mut samples: Vec<std::time::Duration>) -> std::time::Duration {
    samples.sort();
    samples[samples.len() / 2]
}
