//! The body of `PATCH /profile`, as sent: which fields are present, and which are `null`; read
//! as a JSON object (`service_kit::json_body`, as auth-service reads its bodies) and checked
//! into the [`ProfileChange`] the work layer takes.

use crate::domain::Bio;
use crate::error::ApiError;
use crate::profile::ProfileChange;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Deserializer};
use service_kit::json_body::{BodyMismatch, FieldMismatch, JsonObject};
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

/// An object that is no `ProfilePatch` (a field of the wrong type, an unknown field) is answered
/// with one sentence that names the two fields a patch may have.
struct NotAPatch;

impl BodyMismatch for NotAPatch {
    type Error = ApiError;

    fn refuse(_: FieldMismatch) -> ApiError {
        ApiError::invalid("The JSON body must be an object with `bio` and `avatar_photo_id`.")
    }
}

/// The change the body asks for, checked: every field at fault named in one 400.
pub struct ProfilePatchBody(ProfileChange);

impl ProfilePatchBody {
    pub fn into_inner(self) -> ProfileChange {
        self.0
    }
}

impl FromRequest for ProfilePatchBody {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = JsonObject::<ProfilePatch, NotAPatch>::from_request(req, payload);
        Box::pin(async move {
            let patch = body.await?.into_inner();
            let change =
                ProfileChange::parse(patch.bio, patch.avatar_photo_id).map_err(ApiError::from)?;
            Ok(ProfilePatchBody(change))
        })
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
