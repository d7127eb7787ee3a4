//! `JsonObject<T, M>`: `web::Json<T>` for bodies that must be JSON objects, for both services.
//!
//! serde fills a struct from a JSON array as readily as from an object (`["alice", null, "pw"]`
//! is a login body), which no document describes and no client means. This reads an object first
//! through `web::Json`, so malformed JSON (400), a body not sent as `application/json` (415) and
//! the size limit (413) are answered by the app's [`crate::request_errors::json_config`]; then
//! `T` from it. An object that does not fit `T` is answered by `M`, the service's own choice
//! ([`BodyMismatch`]): what serde found wrong is handed over as a [`FieldMismatch`], which names
//! the field and what it should be, never the value sent (it may be a password).

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest, ResponseError};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

/// A field of a JSON object that did not fit the body type, and what it should have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMismatch {
    /// The field's path (`bio`, `address.city`); `body` when the object as a whole did not fit
    /// (an unknown field under `deny_unknown_fields`, say).
    pub field: String,
    /// `must be a string`, `is required`, `is not valid here`.
    pub reason: String,
}

/// How a service answers a body that is an object but not a `T`: its error type, and what it
/// makes of the mismatch (a 400 naming the field, or one sentence for the whole body).
pub trait BodyMismatch: 'static {
    type Error: ResponseError + 'static;
    fn refuse(mismatch: FieldMismatch) -> Self::Error;
}

/// A body read as an object, then as a `T`; `M` answers an object that is no `T`.
pub struct JsonObject<T, M> {
    value: T,
    mismatch: PhantomData<fn() -> M>,
}

impl<T, M> JsonObject<T, M> {
    pub fn into_inner(self) -> T {
        self.value
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

/// `T` from a JSON object; a field that does not fit is named, with what it should be.
pub fn from_object<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, FieldMismatch> {
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
        let message = error.inner().to_string();
        let path = error.path().to_string();
        let field = match message.strip_prefix("missing field `") {
            Some(rest) => rest.split('`').next().unwrap_or_default().to_owned(),
            None if path == "." => "body".to_owned(),
            None => path,
        };
        FieldMismatch {
            field,
            reason: expectation(&message),
        }
    })
}

impl<T: DeserializeOwned + 'static, M: BodyMismatch> FromRequest for JsonObject<T, M> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Map<String, Value>>::from_request(req, payload);
        Box::pin(async move {
            let object = json.await?.into_inner();
            let value = from_object(object).map_err(M::refuse)?;
            Ok(JsonObject {
                value,
                mismatch: PhantomData,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request_errors::json_config;
    use crate::ErrorBody;
    use actix_web::http::StatusCode;
    use actix_web::test::TestRequest;
    use actix_web::HttpResponse;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        a: Option<String>,
        b: Option<u32>,
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
        let wrong = read(r#"{"a":{}}"#).unwrap_err();
        assert_eq!(wrong.field, "a");
        assert_eq!(wrong.reason, "must be a string");
        let secret = read(r#"{"b":"hunter2-secret"}"#).unwrap_err();
        assert!(secret.reason.starts_with("must be"), "{secret:?}");
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
        let missing = from_object::<Required>(object("{}")).unwrap_err();
        assert_eq!(missing.field, "token");
        assert_eq!(missing.reason, "is required");
    }

    #[derive(Debug)]
    struct Refused(FieldMismatch);

    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{} {}", self.0.field, self.0.reason)
        }
    }

    impl ResponseError for Refused {
        fn error_response(&self) -> HttpResponse {
            ErrorBody::new("invalid_request", &self.to_string()).respond(StatusCode::BAD_REQUEST)
        }
    }

    struct Refuse;

    impl BodyMismatch for Refuse {
        type Error = Refused;
        fn refuse(mismatch: FieldMismatch) -> Refused {
            Refused(mismatch)
        }
    }

    async fn extract(body: &str) -> Result<Body, actix_web::Error> {
        let (req, mut payload) = TestRequest::post()
            .insert_header(("content-type", "application/json"))
            .app_data(json_config(1024))
            .set_payload(body.to_owned())
            .to_http_parts();
        JsonObject::<Body, Refuse>::from_request(&req, &mut payload)
            .await
            .map(JsonObject::into_inner)
    }

    #[actix_web::test]
    async fn an_object_is_read_and_one_that_does_not_fit_is_the_services_refusal() {
        let body = extract(r#"{"a":"x","b":2}"#).await.unwrap();
        assert_eq!(body.b, Some(2));
        let wrong = extract(r#"{"b":"two"}"#).await.unwrap_err();
        let refused = wrong
            .as_error::<Refused>()
            .expect("the service's own error");
        assert_eq!(refused.0.field, "b");
        // An array is no object: the app's JSON configuration answers it, as malformed JSON.
        let array = extract(r#"["x", 2]"#).await.unwrap_err();
        assert!(array.as_error::<Refused>().is_none(), "{array}");
        assert_eq!(
            array.as_response_error().status_code(),
            StatusCode::BAD_REQUEST
        );
    }
}
