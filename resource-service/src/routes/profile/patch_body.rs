//! The body of `PATCH /profile`, as sent: which fields are present, and which are `null`.

use crate::domain::Bio;
use crate::error::ApiError;
use crate::profile::ProfileChange;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

/// Only the fields present change; `null` clears one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Bio>)]
    bio: Option<Option<String>>,
    /// The id of one of the caller's photos.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    avatar_photo_id: Option<Option<String>>,
}

impl ProfilePatch {
    /// The change a JSON object asks for, checked. The body is read as an object first (the
    /// handler's extractor), because serde would also fill this struct from a JSON array.
    pub fn parse(
        object: serde_json::Map<String, serde_json::Value>,
    ) -> Result<ProfileChange, ApiError> {
        let patch: ProfilePatch = serde_json::from_value(serde_json::Value::Object(object))
            // serde's message may quote the value sent, so it stays out of the answer.
            .map_err(|_| {
                ApiError::invalid(
                    "The JSON body must be an object with `bio` and `avatar_photo_id`.",
                )
            })?;
        Ok(ProfileChange::parse(patch.bio, patch.avatar_photo_id)?)
    }
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
