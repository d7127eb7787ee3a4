//! The body of `POST /photos`, read into an [`Upload`] once `Photos::upload` has admitted the
//! upload (`crate::photos`). It is counted as it streams in, before any multipart parsing, so no
//! framing (chunked, no boundary, one endless field) can make the service take more than
//! `MAX_PHOTO_BYTES` plus a small overhead; the image type is sniffed from the first bytes, so a
//! file that is no image is refused before the rest is read; and the file is spooled to an
//! unnamed temporary file as it arrives, so slow or many uploads hold disk, not memory, until
//! their turn to be prepared (docs/PHOTOS.md, Memory).

use super::capped_payload::CappedPayload;
use crate::domain::{Caption, ImageType};
use crate::error::ApiError;
use crate::photos::{PrepareWorkers, SpoolWriter, SpooledFile, Upload};
use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::future::{ready, Ready};

/// Room for the multipart framing and the caption on top of the photo itself.
pub const MULTIPART_OVERHEAD: usize = 16 * 1024;

/// The most bytes a caption field may take before it is refused (300 characters of up to four
/// bytes each, with room to spare).
const CAPTION_FIELD_BYTES: usize = 4 * 1024;

/// The body of `POST /photos`, not read yet: `Photos::upload` has it read once the upload is
/// admitted.
pub struct UploadForm {
    req: HttpRequest,
    payload: web::Payload,
}

impl FromRequest for UploadForm {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Payload::from_request(req, payload)
            .into_inner()
            .map(|payload| UploadForm {
                req: req.clone(),
                payload,
            });
        ready(form)
    }
}

impl UploadForm {
    /// The form: a `file` of at most `max` bytes that is a JPEG, PNG, GIF or WebP image, spooled
    /// on `workers`' I/O threads, and an optional `caption`.
    pub async fn read(self, max: usize, workers: PrepareWorkers) -> Result<Upload, ApiError> {
        read_upload(&self.req, self.payload, max, &workers).await
    }
}

/// Reads the multipart form of `req` from `payload`: a `file` of at most `max` bytes that is a
/// JPEG, PNG, GIF or WebP image, and an optional `caption`.
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    max: usize,
    workers: &PrepareWorkers,
) -> Result<Upload, ApiError> {
    let too_large = || ApiError::PayloadTooLarge {
        what: "Photos",
        limit: max,
    };
    let cap = max.saturating_add(MULTIPART_OVERHEAD);
    // A declared length already past the limit is refused before reading a byte.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > cap) {
        return Err(too_large());
    }
    let capped = CappedPayload::new(payload, cap);
    let tripped = capped.tripped();
    let form = Multipart::new(req.headers(), capped);
    let (spooled, caption) = match read_form(form, max, workers).await {
        Ok(form) => form,
        // Whatever the parser made of the cut-off body, the cause is its size.
        Err(_) if tripped.get() => return Err(too_large()),
        Err(error) => return Err(error),
    };
    Ok(Upload {
        image: spooled.image,
        file: spooled.file,
        caption,
    })
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

/// Reads a small field (the caption) into memory, refusing it as soon as it grows past `limit`:
/// the rest of the body is never read.
async fn read_capped(
    field: &mut Field,
    limit: usize,
    too_large: impl Fn() -> ApiError,
) -> Result<Vec<u8>, ApiError> {
    let mut buffer = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        if buffer.len() + chunk.len() > limit {
            return Err(too_large());
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer)
}

/// A file part on its way to disk: its type, sniffed from the first bytes, and where it went.
struct SpooledImage {
    image: ImageType,
    file: SpooledFile,
}

/// How much of a file part is gathered before each write to the temporary file.
const SPOOL_CHUNK: usize = 64 * 1024;

/// Writes a file part to an unnamed temporary file (gone when dropped, whatever happens), refusing
/// it as soon as it grows past `limit` or its first bytes are no accepted image.
async fn spool_image(
    field: &mut Field,
    limit: usize,
    too_large: impl Fn() -> ApiError,
    workers: &PrepareWorkers,
) -> Result<SpooledImage, ApiError> {
    let mut buffer = Vec::with_capacity(SPOOL_CHUNK);
    let mut image = None;
    let mut spool = SpoolWriter::create(workers)
        .await
        .map_err(ApiError::internal)?;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        if spool.len() + buffer.len() + chunk.len() > limit {
            return Err(too_large());
        }
        buffer.extend_from_slice(&chunk);
        if image.is_none() && buffer.len() >= ImageType::SNIFF_BYTES {
            image = Some(ImageType::sniff(&buffer).ok_or_else(not_an_image)?);
        }
        if buffer.len() >= SPOOL_CHUNK {
            buffer = spool.write(buffer).await.map_err(ApiError::internal)?;
        }
    }
    let image = match image {
        Some(image) => image,
        None => ImageType::sniff(&buffer).ok_or_else(not_an_image)?,
    };
    spool.write(buffer).await.map_err(ApiError::internal)?;
    let file = spool.finish().map_err(ApiError::internal)?;
    Ok(SpooledImage { image, file })
}

fn not_an_image() -> ApiError {
    ApiError::UnsupportedMediaType("Photos must be JPEG, PNG, GIF or WebP images.")
}

/// The form's `file` and `caption`, each at most once; any other field is refused.
async fn read_form(
    mut form: Multipart,
    max: usize,
    workers: &PrepareWorkers,
) -> Result<(SpooledImage, Option<Caption>), ApiError> {
    let too_large = || ApiError::PayloadTooLarge {
        what: "Photos",
        limit: max,
    };
    let mut file: Option<SpooledImage> = None;
    let mut caption: Option<Caption> = None;
    let mut fields = BTreeMap::new();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if file.is_none() => {
                file = Some(spool_image(&mut field, max, too_large, workers).await?);
            }
            "caption" if caption.is_none() && !fields.contains_key("caption") => {
                let bytes = read_capped(&mut field, CAPTION_FIELD_BYTES, || {
                    ApiError::invalid_field("caption", "must be at most 300 characters")
                })
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
    Ok((file, caption))
}
