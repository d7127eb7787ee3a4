//! The photo id of a `/photos/{id}` path.

use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::{ready, Ready};
use uuid::Uuid;

/// The `{id}` of the path; a malformed one is simply not found.
#[derive(Debug, Clone, Copy)]
pub struct PhotoId(pub Uuid);

impl FromRequest for PhotoId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Through `web::Path`, so the segment is decoded as every path parameter is.
        let parsed = web::Path::<String>::from_request(req, payload)
            .into_inner()
            .and_then(|raw| {
                let id = Uuid::try_parse(&raw).map_err(|_| ApiError::NotFound)?;
                Ok(PhotoId(id))
            });
        ready(parsed)
    }
}
