//! `GET /photos`, `GET` and `DELETE /photos/{id}`, `GET /photos/{id}/content` and
//! `/thumbnail`. The upload is in `upload.rs`.

use super::conditional;
use super::view::{PhotoPage, PhotoView};
use crate::error::ApiError;
use crate::http::{Conditions, ListParams, ListQuery, PhotoId, SignedIn};
use crate::photos::{Photos, Which};
use crate::routes::responses::{
    ContentHeaders, NotModified, PartialContent, PhotoNotFound, RangeNotSatisfiable,
};
use crate::routes::schemas::ImageBytes;
use actix_web::{web, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{ServerErrors, TwoTokens, Unauthorized};

/// `GET /photos?owner=me|<uuid>&limit=1..100&cursor=...`: newest first. Without `owner`, every
/// user's photos.
#[utoipa::path(
    get,
    path = "/photos",
    tag = "photos",
    operation_id = "list_photos",
    params(ListParams),
    responses(
        (status = 200, description = "One page, newest first", body = PhotoPage),
        (
            status = 400,
            description = "Invalid `owner`, `limit` or `cursor` (`fields` says which), or two \
                           different tokens",
            body = ApiErrorBody
        ),
        Unauthorized,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn list(
    signed_in: SignedIn,
    query: ListQuery,
    photos: web::Data<Photos>,
) -> Result<HttpResponse, ApiError> {
    let page = photos.page(&signed_in.caller, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PhotoPage::from(page)))
}

/// `GET /photos/{id}`.
#[utoipa::path(
    get,
    path = "/photos/{id}",
    tag = "photos",
    operation_id = "get_photo",
    params(
        ("id" = Uuid, Path, description = "Photo id"),
    ),
    responses(
        (status = 200, description = "The photo", body = PhotoView),
        TwoTokens,
        Unauthorized,
        PhotoNotFound,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn get(
    signed_in: SignedIn,
    PhotoId(id): PhotoId,
    photos: web::Data<Photos>,
) -> Result<HttpResponse, ApiError> {
    let seen = photos.find(&signed_in.caller, id).await?;
    Ok(HttpResponse::Ok().json(PhotoView::from(seen)))
}

/// `GET /photos/{id}/content`: the bytes as stored (metadata stripped), streamed; 304 when the
/// client holds them, one `Range` answered with 206.
#[utoipa::path(
    get,
    path = "/photos/{id}/content",
    tag = "photos",
    operation_id = "get_photo_content",
    params(("id" = Uuid, Path, description = "Photo id"), ContentHeaders),
    responses(
        (
            status = 200,
            description = "The image bytes, with the stored type",
            content(
                (ImageBytes = "image/jpeg"),
                (ImageBytes = "image/png"),
                (ImageBytes = "image/gif"),
                (ImageBytes = "image/webp"),
            ),
            headers(
                ("ETag" = String, description = "Strong: the SHA-256 of the bytes"),
                ("Cache-Control" = String, description = "`private, max-age=31536000, immutable`"),
                ("Accept-Ranges" = String, description = "`bytes`"),
                ("Content-Length" = i64),
                ("X-Content-Type-Options" = String, description = "`nosniff`"),
            ),
        ),
        PartialContent,
        NotModified,
        RangeNotSatisfiable,
        TwoTokens,
        Unauthorized,
        PhotoNotFound,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn content(
    _signed_in: SignedIn,
    PhotoId(id): PhotoId,
    conditions: Conditions,
    photos: web::Data<Photos>,
) -> Result<HttpResponse, ApiError> {
    let served = photos
        .serve(id, Which::Original, |content| conditions.decide(content))
        .await?;
    Ok(conditional::respond(served))
}

/// `GET /photos/{id}/thumbnail`: at most 320 pixels on the long side, JPEG (or WebP when the
/// photo has transparent pixels); the same caching and ranges as the content.
#[utoipa::path(
    get,
    path = "/photos/{id}/thumbnail",
    tag = "photos",
    operation_id = "get_photo_thumbnail",
    params(("id" = Uuid, Path, description = "Photo id"), ContentHeaders),
    responses(
        (
            status = 200,
            description = "The thumbnail",
            content((ImageBytes = "image/jpeg"), (ImageBytes = "image/webp")),
            headers(
                ("ETag" = String, description = "Strong"),
                ("Cache-Control" = String, description = "`private, max-age=31536000, immutable`"),
                ("Content-Length" = i64),
            ),
        ),
        PartialContent,
        NotModified,
        RangeNotSatisfiable,
        TwoTokens,
        Unauthorized,
        (
            status = 404,
            description = "`not_found`: no such photo, or one without a thumbnail yet \
                           (`thumbnail_url` is `null`)",
            body = ApiErrorBody
        ),
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn thumbnail(
    _signed_in: SignedIn,
    PhotoId(id): PhotoId,
    conditions: Conditions,
    photos: web::Data<Photos>,
) -> Result<HttpResponse, ApiError> {
    let served = photos
        .serve(id, Which::Thumbnail, |content| conditions.decide(content))
        .await?;
    Ok(conditional::respond(served))
}

/// `DELETE /photos/{id}`: the owner or an `admin`.
#[utoipa::path(
    delete,
    path = "/photos/{id}",
    tag = "photos",
    operation_id = "delete_photo",
    params(
        ("id" = Uuid, Path, description = "Photo id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        TwoTokens,
        Unauthorized,
        (
            status = 403,
            description = "`forbidden`: neither the owner nor an admin; or `csrf_rejected`",
            body = ApiErrorBody
        ),
        PhotoNotFound,
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn delete(
    signed_in: SignedIn,
    PhotoId(id): PhotoId,
    photos: web::Data<Photos>,
) -> Result<HttpResponse, ApiError> {
    photos.delete(&signed_in.caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
