//! `PUT` and `DELETE /photos/{id}/like`: idempotent, 204 either way.

use super::responses::PhotoNotFound;
use crate::error::ApiError;
use crate::http::{PhotoId, SignedIn};
use crate::photos::Photos;
use actix_web::{web, HttpResponse};
use service_kit::openapi_responses::{CsrfRejected, ServerErrors, TwoTokens, Unauthorized};

/// Likes a photo; liking it again changes nothing.
#[utoipa::path(
    put,
    path = "/photos/{id}/like",
    tag = "likes",
    operation_id = "like_photo",
    params(
        ("id" = Uuid, Path, description = "Photo id"),
    ),
    responses(
        (status = 204, description = "The caller likes the photo"),
        TwoTokens,
        Unauthorized,
        CsrfRejected,
        PhotoNotFound,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn like(
    signed_in: SignedIn,
    PhotoId(id): PhotoId,
    photos: web::Data<Photos>,
) -> Result<HttpResponse, ApiError> {
    photos.like(&signed_in.caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes a like back; one that was never there changes nothing.
#[utoipa::path(
    delete,
    path = "/photos/{id}/like",
    tag = "likes",
    operation_id = "unlike_photo",
    params(
        ("id" = Uuid, Path, description = "Photo id"),
    ),
    responses(
        (status = 204, description = "The caller does not like the photo"),
        TwoTokens,
        Unauthorized,
        CsrfRejected,
        PhotoNotFound,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn unlike(
    signed_in: SignedIn,
    PhotoId(id): PhotoId,
    photos: web::Data<Photos>,
) -> Result<HttpResponse, ApiError> {
    photos.unlike(&signed_in.caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
