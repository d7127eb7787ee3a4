//! `POST /photos`: the upload. How the body is read, bounded as it streams, is in
//! `upload_form.rs`; the metadata stripping, decode check and thumbnail are
//! `crate::photos::prepare`, the objects, the quota and the row `crate::photos::store`.

use super::upload_form::read_upload;
use super::view::PhotoView;
use crate::db::DbPool;
use crate::error::ApiError;
use crate::metrics::ResourceMetrics;
use crate::photos::{self, PrepareWorkers};
use crate::routes::schemas::PhotoUpload;
use crate::storage::PhotoStore;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{ServerErrors, Unauthorized};
use shared_tokens::Authenticated;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Upload limits, registered as app data.
#[derive(Debug, Clone)]
pub struct PhotoLimits {
    pub max_bytes: usize,
    /// `MAX_PHOTOS_PER_USER`.
    pub max_photos_per_user: i64,
    /// How many uploads are prepared (stripped, decoded, thumbnailed) and written at once. A
    /// decode may hold up to the decoder's allocation cap (`photos::image_check`), so this bounds
    /// memory as well as CPU: the uploads past it wait their turn, spooled on disk.
    pub decodes: Arc<Semaphore>,
    /// Where they are prepared.
    pub workers: PrepareWorkers,
    /// `REQUIRE_VERIFIED_EMAIL`: only accounts whose token says `email_verified` may upload.
    pub require_verified_email: bool,
}

impl PhotoLimits {
    pub fn new(max_bytes: usize, max_photos_per_user: i64, workers: PrepareWorkers) -> Self {
        // As many as there are workers: more would only queue while holding their memory.
        Self {
            max_bytes,
            max_photos_per_user,
            decodes: Arc::new(Semaphore::new(workers.threads())),
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
                           framed, or more than 50 megapixels or 16384 pixels on a side (read \
                           from the header, before decoding); or `quota_exceeded`: the account \
                           already has `MAX_PHOTOS_PER_USER` photos",
            body = ApiErrorBody
        ),
        (
            status = 415,
            description = "Not multipart/form-data, or not a JPEG, PNG, GIF or WebP image that \
                           decodes completely as the format its first bytes claim",
            body = ApiErrorBody
        ),
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn upload(
    auth: Authenticated,
    pool: web::Data<DbPool>,
    store: web::Data<PhotoStore>,
    limits: web::Data<PhotoLimits>,
    metrics: web::Data<ResourceMetrics>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Before a byte of the body is read: a refused upload costs nothing.
    if limits.require_verified_email && !auth.claims.email_verified {
        return Err(ApiError::EmailNotVerified);
    }
    let upload = read_upload(&req, payload, limits.max_bytes, &limits.workers).await?;
    // Preparing is CPU work: on the photo workers, holding no connection, and no more at once
    // than `decodes` allows.
    let _turn = limits.decodes.acquire().await.map_err(ApiError::internal)?;
    let prepared = limits
        .workers
        .prepare_upload(upload.image, upload.file)
        .await?;
    let (claims, quota) = (auth.claims, limits.max_photos_per_user);
    let stored = photos::store(&pool, &store, claims, prepared, upload.caption, quota).await?;
    let view = PhotoView::from(stored);
    metrics.photo_uploaded(view.size_bytes.unsigned_abs());
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/photos/{}", view.id)))
        .json(view))
}
