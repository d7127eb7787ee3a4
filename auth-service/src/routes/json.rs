//! `JsonObject<T>`: `web::Json<T>` for bodies that must be JSON objects.
//!
//! serde fills a struct from a JSON array as readily as from an object (`["alice", null, "pw"]`
//! is a `LoginBody`), which no document describes and no client means. This reads an object
//! first, then the struct from it; anything else is the same 400 as malformed JSON (the app's
//! `JsonConfig` renders the error, limits included).

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// A body read as an object.
pub struct JsonObject<T>(T);

impl<T> JsonObject<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// `T` read from a JSON object, never from an array; for the extractor and for bodies read by
/// hand (`serde_json::from_slice::<Object<T>>`).
pub struct Object<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = Map::<String, Value>::deserialize(deserializer)?;
        serde_json::from_value(Value::Object(object))
            .map(Object)
            .map_err(D::Error::custom)
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Object<T>>::from_request(req, payload);
        Box::pin(async move { Ok(JsonObject(json.await?.into_inner().0)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        a: Option<String>,
        b: Option<String>,
    }

    #[test]
    fn objects_are_read_and_arrays_are_not() {
        let read = |text: &str| serde_json::from_str::<Object<Body>>(text).map(|o| o.0);
        assert_eq!(
            read(r#"{"a":"x"}"#).unwrap(),
            Body {
                a: Some("x".into()),
                b: None
            }
        );
        // What serde alone would take as a `Body`.
        assert!(serde_json::from_str::<Body>(r#"[null, null]"#).is_ok());
        for bad in [
            r#"[null, null]"#,
            r#"["x", "y"]"#,
            "null",
            "3",
            r#""x""#,
            r#"{"a":5}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
