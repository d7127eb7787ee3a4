//! The answers of the conditional and partial GET of a photo's bytes (docs/API.md, "Photo
//! bytes"): 304, 200, 206 with `Content-Range`, 416, each with the strong ETag and the caching
//! headers every answer carries. What the request asked for is read by `http/conditions.rs`.

use crate::http::conditions::etag;
use crate::photos::{ContentBody, Decision, Served};
use actix_web::body::{BoxBody, SizedStream};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use service_kit::ErrorBody;

/// Bytes behind a store key never change, so a browser may keep them for a year without asking
/// again; `private`, as they are only shown to signed-in users.
const IMMUTABLE: &str = "private, max-age=31536000, immutable";
/// Bytes still in the database will change once (their metadata stripped when they move).
const REVALIDATE: &str = "private, no-cache";

/// The answer the decision calls for, with the bytes read for it.
pub fn respond(served: Served) -> HttpResponse {
    let Served {
        content,
        decision,
        body,
    } = served;
    let etag = etag(&content.tag);
    let cache = if content.is_immutable() {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    match (decision, body) {
        (Decision::NotModified, _) => {
            with_headers(&mut HttpResponse::NotModified(), &etag, cache).finish()
        }
        (Decision::Unsatisfiable, _) => {
            let mut response = ErrorBody::new(
                "range_not_satisfiable",
                "The range starts past the end of the bytes.",
            )
            .respond(StatusCode::RANGE_NOT_SATISFIABLE);
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{}", content.size)) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            response
        }
        (Decision::Part(range), Some(body)) => {
            let mut response = HttpResponse::PartialContent();
            response.content_type(content.content_type.as_str());
            with_headers(&mut response, &etag, cache)
                .insert_header((
                    header::CONTENT_RANGE,
                    format!("bytes {}-{}/{}", range.start, range.end - 1, content.size),
                ))
                .body(sized(range.end - range.start, body))
        }
        (_, Some(body)) => {
            let mut response = HttpResponse::Ok();
            response.content_type(content.content_type.as_str());
            with_headers(&mut response, &etag, cache).body(sized(content.size, body))
        }
        (_, None) => HttpResponse::InternalServerError().finish(),
    }
}

/// The body of an answer: bytes in memory as they are, a stream with its length up front.
fn sized(length: u64, body: ContentBody) -> BoxBody {
    match body {
        ContentBody::Memory(bytes) => BoxBody::new(bytes),
        ContentBody::Stream(stream) => BoxBody::new(SizedStream::new(length, stream)),
    }
}

fn with_headers<'a>(
    response: &'a mut HttpResponseBuilder,
    etag: &str,
    cache: &'static str,
) -> &'a mut HttpResponseBuilder {
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.insert_header((header::ETAG, value));
    }
    response
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // User content: should a browser ever render it as a document, it runs nothing.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
}
