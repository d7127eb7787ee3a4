//! `JsonObject<T>`: a body that must be a JSON object, read through service-kit's `JsonObject`
//! (`service-kit/src/json_body.rs`, the same for both services). A field that does not fit is a
//! 400 that names the field and what it should be, like every validation error of this service;
//! it never repeats the value sent (it may be a password).

use crate::domain::InvalidFields;
use crate::error::ApiError;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use service_kit::json_body::{self, BodyMismatch, FieldMismatch};
use std::collections::BTreeMap;

/// A body read as an object, then as a `T`.
pub type JsonObject<T> = json_body::JsonObject<T, InvalidField>;

/// This service's answer to an object that is no `T`: a 400 naming the field.
pub struct InvalidField;

impl BodyMismatch for InvalidField {
    type Error = ApiError;

    fn refuse(mismatch: FieldMismatch) -> ApiError {
        ApiError::from(InvalidFields(BTreeMap::from([(
            mismatch.field,
            mismatch.reason,
        )])))
    }
}

/// `T` from a JSON object read some other way (the refresh body, which may also be absent).
pub fn from_object<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, ApiError> {
    json_body::from_object(object).map_err(InvalidField::refuse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        b: Option<u32>,
    }

    #[test]
    fn a_field_that_does_not_fit_is_a_400_naming_it_without_its_value() {
        let object = serde_json::from_str(r#"{"b":"hunter2-secret"}"#).unwrap();
        match from_object::<Body>(object) {
            Err(ApiError::InvalidRequest { fields, .. }) => {
                assert!(fields["b"].starts_with("must be"), "{fields:?}");
                assert!(!format!("{fields:?}").contains("hunter2"));
            }
            other => panic!("{other:?}"),
        }
    }
}
