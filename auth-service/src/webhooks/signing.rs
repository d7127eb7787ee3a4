//! The Standard Webhooks signature (docs/EVENTS.md, Webhooks): HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}`, base64, as `v1,<signature>`; one per secret,
//! separated by spaces, so a receiver that knows any one of the secrets accepts the delivery.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

/// The value of the `webhook-signature` header for the message `id` sent at `timestamp` (unix
/// seconds) with `body`.
pub fn signature_header(
    secrets: &[SecretSlice<u8>],
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .iter()
        .map(|key| format!("v1,{}", STANDARD.encode(sign(key, id, timestamp, body))))
        .collect::<Vec<_>>()
        .join(" ")
}

fn sign(key: &SecretSlice<u8>, id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    // Any key length is valid for HMAC; the settings accept 24 bytes and more.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.expose_secret()) else {
        return Vec::new();
    };
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(whsec: &str) -> SecretSlice<u8> {
        let encoded = whsec.strip_prefix("whsec_").unwrap();
        SecretSlice::from(STANDARD.decode(encoded).unwrap())
    }

    /// The example of the Standard Webhooks specification and its reference libraries.
    #[test]
    fn the_published_test_vector() {
        let secret = key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let header = signature_header(
            &[secret],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(header, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn every_secret_signs_in_the_order_given() {
        let first = key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let second = key("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        let (id, at, body) = ("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, b"{}");
        let both = signature_header(&[first.clone(), second.clone()], id, at, body);
        let one = signature_header(&[first], id, at, body);
        let other = signature_header(&[second], id, at, body);
        assert_eq!(both, format!("{one} {other}"));
        assert_ne!(one, other);
        assert!(!signature_header(
            &[key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")],
            id,
            at + 1,
            body
        )
        .eq(&one));
    }
}
