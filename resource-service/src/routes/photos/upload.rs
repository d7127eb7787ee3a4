//! `POST /photos`: the upload. The handler makes one call, `Photos::upload` (`crate::photos`),
//! which keeps the order: the upload's place among those under way before a byte of the body is
//! read, then the body through the form handed in here (`http/upload_form.rs`: multipart is
//! HTTP's), the prepare and the store. The body is cut when it stalls by `http/upload_body.rs`.

use super::view::PhotoView;
use crate::error::ApiError;
use crate::http::{SignedIn, UploadForm};
use crate::photos::Photos;
use crate::routes::schemas::PhotoUpload;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::Unauthorized;

/// `POST /photos`: `file` (required) and `caption` (optional) as multipart/form-data.
#[utoipa::path(
    post,
    path = "/photos",
    tag = "photos",
    operation_id = "upload_photo",
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses(
        (
            status = 201,
            description = "The stored photo",
            body = PhotoView,
            headers(("Location" = String, description = "`/photos/{id}`"))
        ),
        (
            status = 400,
            description = "Missing `file`, invalid `caption`, unknown field, malformed multipart \
                           body, or two different tokens",
            body = ApiErrorBody
        ),
        Unauthorized,
        (
            status = 403,
            description = "`email_not_verified`: `REQUIRE_VERIFIED_EMAIL` is on and the access \
                           token says the email is not verified; or `csrf_rejected`: a cookie \
                           request from a refused origin",
            body = ApiErrorBody
        ),
        (
            status = 413,
            description = "`payload_too_large`: larger than `MAX_PHOTO_BYTES`, however the body is \
                           framed, or more than 50 megapixels or 16384 pixels on a side, or \
                           needing more than `UPLOAD_DECODE_MEMORY` to decode (read from the \
                           header, before decoding); or `quota_exceeded`: the account already \
                           has `MAX_PHOTOS_PER_USER` photos",
            body = ApiErrorBody
        ),
        (
            status = 408,
            description = "`request_timeout`: the body sent nothing for `UPLOAD_STALL_TIMEOUT`; \
                           the connection is closed",
            body = ApiErrorBody
        ),
        (
            status = 415,
            description = "Not multipart/form-data, or not a JPEG, PNG, GIF or WebP image that \
                           decodes completely as the format its first bytes claim",
            body = ApiErrorBody
        ),
        (
            status = 429,
            description = "`too_many_requests`: the account already has \
                           `UPLOADS_IN_FLIGHT_PER_USER` uploads under way (before the body is read)",
            body = ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))
        ),
        (status = 500, description = "Internal error", body = ApiErrorBody),
        (
            status = 503,
            description = "`unavailable`: the database does not answer, or this instance already \
                           has `UPLOADS_IN_FLIGHT` uploads under way (before the body is read)",
            body = ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))
        ),
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn upload(
    signed_in: SignedIn,
    photos: web::Data<Photos>,
    form: UploadForm,
) -> Result<HttpResponse, ApiError> {
    let stored = photos
        .upload(&signed_in.caller, |max_bytes, workers| {
            form.read(max_bytes, workers)
        })
        .await?;
    let view = PhotoView::from(stored);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/photos/{}", view.id)))
        .json(view))
}
