//! `POST /photos`: the upload. Its place among the uploads under way is asked for before the
//! body is read (`crate::photos::UploadAdmission`); how the body is read, bounded as it streams,
//! is in `upload_form.rs`, and cut when it stalls in `upload_body.rs`; the metadata stripping,
//! decode check and thumbnail, within the decode budget, are `crate::photos::PrepareWorkers`, the
//! objects, the quota and the row `crate::photos::store`.

use super::upload_form::read_upload;
use super::view::PhotoView;
use crate::config::UploadSettings;
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::SignedIn;
use crate::metrics::ResourceMetrics;
use crate::photos::{self, PrepareWorkers, UploadAdmission};
use crate::routes::schemas::PhotoUpload;
use crate::storage::PhotoStore;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::Unauthorized;
use std::time::Duration;

/// Upload limits, registered as app data.
#[derive(Debug, Clone)]
pub struct PhotoLimits {
    pub max_bytes: usize,
    /// `MAX_PHOTOS_PER_USER`.
    pub max_photos_per_user: i64,
    /// `UPLOADS_IN_FLIGHT` and `UPLOADS_IN_FLIGHT_PER_USER`, asked before the body is read.
    pub admission: UploadAdmission,
    /// `UPLOAD_STALL_TIMEOUT`: how long the body may send nothing (`upload_body.rs`).
    pub stall_timeout: Duration,
    /// Where uploads are prepared, all decodes together within `UPLOAD_DECODE_MEMORY`.
    pub workers: PrepareWorkers,
    /// `REQUIRE_VERIFIED_EMAIL`: only accounts whose token says `email_verified` may upload.
    pub require_verified_email: bool,
}

impl PhotoLimits {
    pub fn new(
        max_bytes: usize,
        max_photos_per_user: i64,
        uploads: &UploadSettings,
        workers: PrepareWorkers,
    ) -> Self {
        Self {
            max_bytes,
            max_photos_per_user,
            admission: UploadAdmission::new(uploads.in_flight, uploads.in_flight_per_user),
            stall_timeout: uploads.stall_timeout,
            workers,
            require_verified_email: false,
        }
    }

    /// With `REQUIRE_VERIFIED_EMAIL` on.
    pub fn requiring_verified_email(self, required: bool) -> Self {
        Self {
            require_verified_email: required,
            ..self
        }
    }
}

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
    pool: web::Data<DbPool>,
    store: web::Data<PhotoStore>,
    limits: web::Data<PhotoLimits>,
    metrics: web::Data<ResourceMetrics>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Before a byte of the body is read: a refused upload costs nothing.
    let caller = signed_in.caller;
    if limits.require_verified_email && !caller.email_verified {
        return Err(ApiError::EmailNotVerified);
    }
    // Held until the answer: N uploads at once count as N.
    let _place = limits.admission.admit(caller.id)?;
    let upload = read_upload(&req, payload, limits.max_bytes, &limits.workers).await?;
    let prepared = limits
        .workers
        .prepare_upload(upload.image, upload.file)
        .await?;
    let quota = limits.max_photos_per_user;
    let stored = photos::store(&pool, &store, caller, prepared, upload.caption, quota).await?;
    let view = PhotoView::from(stored);
    metrics.photo_uploaded(view.size_bytes.unsigned_abs());
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/photos/{}", view.id)))
        .json(view))
}
