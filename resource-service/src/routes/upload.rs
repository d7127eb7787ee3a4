//! `POST /photos`: the upload. The body is counted as it streams in, before any multipart parsing,
//! so no framing (chunked, no boundary, one endless field) can make the service hold more than
//! `MAX_PHOTO_BYTES` plus a small overhead; the image type is sniffed from the first bytes; and
//! the per-user quota is checked under a lock, so parallel uploads count one by one.

use super::photos::PhotoView;
use super::schemas::PhotoUpload;
use crate::db::models::NewPhoto;
use crate::db::{blocking, known_users, photos, DbPool};
use crate::domain::{Caption, ImageType};
use crate::error::ApiError;
use crate::metrics::ResourceMetrics;
use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::{Stream, StreamExt};
use service_kit::openapi::ApiErrorBody;
use service_kit::openapi_responses::{CsrfRejected, ServerErrors, Unauthorized};
use sha2::{Digest, Sha256};
use shared_tokens::Authenticated;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use uuid::Uuid;

/// Upload limits, registered as app data.
#[derive(Debug, Clone, Copy)]
pub struct PhotoLimits {
    pub max_bytes: usize,
    /// `MAX_PHOTOS_PER_USER`.
    pub max_photos_per_user: i64,
}

/// Room for the multipart framing and the caption on top of the photo itself.
pub const MULTIPART_OVERHEAD: usize = 16 * 1024;

/// The most bytes a caption field may take before it is refused (300 characters of up to four
/// bytes each, with room to spare).
const CAPTION_FIELD_BYTES: usize = 4 * 1024;

/// The request body, cut off with an error once more than `limit` bytes have come in. `tripped`
/// tells the handler afterwards that the error it sees is this cut, not a malformed body.
struct CappedPayload<S> {
    inner: S,
    seen: usize,
    limit: usize,
    tripped: Rc<Cell<bool>>,
}

impl<S> Stream for CappedPayload<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.tripped.get() {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.seen = self.seen.saturating_add(chunk.len());
                if self.seen > self.limit {
                    self.tripped.set(true);
                    Poll::Ready(Some(Err(PayloadError::Overflow)))
                } else {
                    Poll::Ready(Some(Ok(chunk)))
                }
            }
            other => other,
        }
    }
}

fn multipart_error(error: MultipartError) -> ApiError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::UnsupportedMediaType(
            "Upload photos as multipart/form-data with a `file` field.",
        ),
        other => ApiError::invalid(format!("The multipart body could not be read: {other}.")),
    }
}

/// Reads a field into memory, refusing it as soon as it grows past `limit`: the rest of the
/// body is never read.
async fn read_capped(
    field: &mut Field,
    limit: usize,
    too_large: impl Fn() -> ApiError,
    mut check_start: impl FnMut(&[u8]) -> Result<(), ApiError>,
) -> Result<Vec<u8>, ApiError> {
    let mut buffer = Vec::new();
    let mut checked = false;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        if buffer.len() + chunk.len() > limit {
            return Err(too_large());
        }
        buffer.extend_from_slice(&chunk);
        if !checked && buffer.len() >= ImageType::SNIFF_BYTES {
            check_start(&buffer)?;
            checked = true;
        }
    }
    if !checked {
        check_start(&buffer)?;
    }
    Ok(buffer)
}

fn not_an_image() -> ApiError {
    ApiError::UnsupportedMediaType("Photos must be JPEG, PNG, GIF or WebP images.")
}

/// The form's fields, read.
struct Form {
    file: Vec<u8>,
    caption: Option<Caption>,
}

async fn read_form(mut form: Multipart, max: usize) -> Result<Form, ApiError> {
    let too_large = || ApiError::PayloadTooLarge {
        what: "Photos",
        limit: max,
    };
    let mut file: Option<Vec<u8>> = None;
    let mut caption: Option<Caption> = None;
    let mut fields = BTreeMap::new();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if file.is_none() => {
                let bytes = read_capped(&mut field, max, too_large, |start| {
                    ImageType::sniff(start).map(|_| ()).ok_or_else(not_an_image)
                })
                .await?;
                file = Some(bytes);
            }
            "caption" if caption.is_none() && !fields.contains_key("caption") => {
                let bytes = read_capped(
                    &mut field,
                    CAPTION_FIELD_BYTES,
                    || ApiError::invalid_field("caption", "must be at most 300 characters"),
                    |_| Ok(()),
                )
                .await?;
                match String::from_utf8(bytes)
                    .map_err(|_| "must be UTF-8 text".to_owned())
                    .and_then(|text| Caption::parse(&text))
                {
                    Ok(parsed) => caption = parsed,
                    Err(reason) => {
                        fields.insert("caption".to_owned(), reason);
                    }
                }
            }
            "file" | "caption" => {
                return Err(ApiError::invalid_field(&name, "must be sent only once"));
            }
            _ => {
                return Err(ApiError::invalid(format!(
                    "Unexpected form field `{name}`: send `file` and optionally `caption`."
                )));
            }
        }
    }
    let Some(file) = file else {
        fields.insert("file".to_owned(), "is required".to_owned());
        return Err(ApiError::invalid_fields(fields));
    };
    if !fields.is_empty() {
        return Err(ApiError::invalid_fields(fields));
    }
    Ok(Form { file, caption })
}

/// `POST /photos`: `file` (required) and `caption` (optional) as multipart/form-data.
#[utoipa::path(
    post,
    path = "/photos",
    tag = "photos",
    operation_id = "upload_photo",
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The stored photo", body = PhotoView, headers(("Location" = String, description = "`/photos/{id}`"))),
        (status = 400, description = "Missing `file`, invalid `caption`, unknown field, malformed multipart body, or two different tokens", body = ApiErrorBody),
        Unauthorized,
        CsrfRejected,
        (status = 413, description = "`payload_too_large`: larger than `MAX_PHOTO_BYTES`, however the body is framed; or `quota_exceeded`: the account already has `MAX_PHOTOS_PER_USER` photos", body = ApiErrorBody),
        (status = 415, description = "Not multipart/form-data, or not a JPEG, PNG, GIF or WebP image", body = ApiErrorBody),
        ServerErrors,
    ),
    security(("bearer" = []), ("access_cookie" = []))
)]
pub async fn upload(
    auth: Authenticated,
    pool: web::Data<DbPool>,
    limits: web::Data<PhotoLimits>,
    metrics: web::Data<ResourceMetrics>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let max = limits.max_bytes;
    let cap = max.saturating_add(MULTIPART_OVERHEAD);
    let too_large = || ApiError::PayloadTooLarge {
        what: "Photos",
        limit: max,
    };
    // A declared length already past the limit is refused before reading a byte.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > cap) {
        return Err(too_large());
    }
    let tripped = Rc::new(Cell::new(false));
    let capped = CappedPayload {
        inner: payload,
        seen: 0,
        limit: cap,
        tripped: tripped.clone(),
    };
    let form = match read_form(Multipart::new(req.headers(), capped), max).await {
        Ok(form) => form,
        // Whatever the parser made of the cut-off body, the cause is its size.
        Err(_) if tripped.get() => return Err(too_large()),
        Err(error) => return Err(error),
    };
    let bytes = form.file;
    let image = ImageType::sniff(&bytes).ok_or_else(not_an_image)?;

    let claims = auth.claims;
    let quota = limits.max_photos_per_user;
    let view = blocking(&pool, move |conn| {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size_bytes = i64::try_from(bytes.len()).map_err(ApiError::internal)?;
        let new = NewPhoto {
            id: Uuid::new_v4(),
            owner_id: claims.sub,
            owner_username: &claims.username,
            caption: form.caption.as_ref().map(Caption::as_str),
            content_type: image.mime(),
            size_bytes,
            sha256: &sha256,
        };
        let row = photos::insert_within_quota(conn, &new, &bytes, quota, |conn| {
            known_users::lock_and_record(conn, claims.sub, &claims.username, claims.iat)
        })?
        .ok_or(ApiError::QuotaExceeded { limit: quota })?;
        Ok(PhotoView::new(row, 0, false))
    })
    .await?;
    metrics.photo_uploaded(view.size_bytes.unsigned_abs());
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/photos/{}", view.id)))
        .json(view))
}
