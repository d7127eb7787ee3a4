//! `JsonObject<T>`: `web::Json<T>` for bodies that must be JSON objects.
//!
//! serde fills a struct from a JSON array as readily as from an object (`["alice", null, "pw"]`
//! is a `LoginBody`), which no document describes and no client means. This reads an object
//! first through `web::Json`, so malformed JSON (400), a body not sent as `application/json` (415)
//! and the size limit (413) are answered by the app's `service_kit::request_errors::json_config`,
//! as on resource-service; then the struct from it. A field of the wrong type is a 400 that names
//! the field and what it should be, like every validation error; it never repeats the value sent
//! (it may be a password).

use crate::domain::InvalidFields;
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A body read as an object.
pub struct JsonObject<T>(T);

impl<T> JsonObject<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// What serde says a field should have been, without what it was: serde's messages read
/// "invalid type: string \"...\", expected a string"; only the part after "expected" is kept.
fn expectation(message: &str) -> String {
    match message.rsplit_once("expected ") {
        Some((_, expected)) => format!("must be {expected}"),
        None if message.starts_with("missing field") => "is required".to_owned(),
        None => "is not valid here".to_owned(),
    }
}

/// `T` from a JSON object; a field that does not fit is a 400 naming it.
pub fn from_object<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
        let message = error.inner().to_string();
        let path = error.path().to_string();
        let field = match message.strip_prefix("missing field `") {
            Some(rest) => rest.split('`').next().unwrap_or_default().to_owned(),
            None if path == "." => "body".to_owned(),
            None => path,
        };
        ApiError::from(InvalidFields(BTreeMap::from([(
            field,
            expectation(&message),
        )])))
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Map<String, Value>>::from_request(req, payload);
        Box::pin(async move {
            let object = json.await?.into_inner();
            Ok(JsonObject(from_object(object)?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        a: Option<String>,
        b: Option<u32>,
    }

    fn fields(error: ApiError) -> BTreeMap<String, String> {
        match error {
            ApiError::InvalidRequest { fields, .. } => fields,
            other => panic!("{other:?}"),
        }
    }

    fn object(text: &str) -> Map<String, Value> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named_with_what_it_should_be() {
        let read = |text: &str| from_object::<Body>(object(text));
        assert_eq!(
            read(r#"{"a":"x"}"#).unwrap(),
            Body {
                a: Some("x".into()),
                b: None
            }
        );
        let wrong = fields(read(r#"{"a":{}}"#).unwrap_err());
        assert_eq!(wrong["a"], "must be a string");
        let secret = fields(read(r#"{"b":"hunter2-secret"}"#).unwrap_err());
        assert!(secret["b"].starts_with("must be"), "{secret:?}");
        assert!(
            !format!("{secret:?}").contains("hunter2"),
            "the value is never repeated"
        );
    }

    #[test]
    fn a_missing_required_field_is_named() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Required {
            token: String,
        }
        let missing = fields(from_object::<Required>(object("{}")).unwrap_err());
        assert_eq!(missing["token"], "is required");
    }
}
