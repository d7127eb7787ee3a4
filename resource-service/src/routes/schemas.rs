//! The OpenAPI schemas of resource-service's own bodies that no Rust type states by itself: the
//! multipart upload form and raw image bytes. Handlers import these; the document (`openapi.rs`)
//! imports the handlers, so these live apart from it and import nothing of the routes.

use crate::domain::Caption;
use utoipa::ToSchema;

/// `POST /photos` as `multipart/form-data`: these two parts, each at most once, and no other.
#[derive(ToSchema)]
// Only for the schema (`additionalProperties: false`): the upload reads the parts itself and
// refuses any other with 400.
#[serde(deny_unknown_fields)]
pub struct PhotoUpload {
    /// The image: JPEG, PNG, GIF or WebP, recognised by its content (not its name), at most
    /// `MAX_PHOTO_BYTES` (5 MiB by default).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    #[schema(value_type = Caption, required = false)]
    pub caption: Option<String>,
}

/// The raw bytes of an image.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageBytes(pub Vec<u8>);
