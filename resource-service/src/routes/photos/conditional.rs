//! The conditional and partial GET of a photo's bytes (docs/API.md, "Photo bytes"): the strong
//! ETag, `If-None-Match` (304), `Range` with `If-Range` (206, or 416 for a range past the end),
//! and the caching headers every answer carries.

use crate::photos::{Content, ContentBody, Decision, Served};
use actix_web::body::{BoxBody, SizedStream};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use http_range_header::{parse_range_header, RangeUnsatisfiableError};
use service_kit::ErrorBody;

/// Bytes behind a store key never change, so a browser may keep them for a year without asking
/// again; `private`, as they are only shown to signed-in users.
const IMMUTABLE: &str = "private, max-age=31536000, immutable";
/// Bytes still in the database will change once (their metadata stripped when they move).
const REVALIDATE: &str = "private, no-cache";

/// The headers of a request that decide what its answer holds. A header sent twice is
/// ambiguous and ignored, as if it were absent.
#[derive(Debug, Default)]
pub struct Conditions {
    if_none_match: Option<String>,
    range: Option<String>,
    if_range: Option<String>,
}

fn single(req: &HttpRequest, name: header::HeaderName) -> Option<String> {
    let mut values = req.headers().get_all(name);
    let first = values.next()?;
    if values.next().is_some() {
        return None;
    }
    first.to_str().ok().map(str::to_owned)
}

impl Conditions {
    pub fn of(req: &HttpRequest) -> Self {
        Self {
            if_none_match: single(req, header::IF_NONE_MATCH),
            range: single(req, header::RANGE),
            if_range: single(req, header::IF_RANGE),
        }
    }

    pub fn decide(&self, content: &Content) -> Decision {
        let etag = etag(&content.tag);
        if let Some(value) = &self.if_none_match {
            if etag_matches(value, &etag) {
                return Decision::NotModified;
            }
        }
        let Some(range) = &self.range else {
            return Decision::Whole;
        };
        // A range of a version the client no longer holds would splice two files together.
        if self.if_range.as_deref().is_some_and(|v| v.trim() != etag) {
            return Decision::Whole;
        }
        let ranges = parse_range_header(range).and_then(|parsed| parsed.validate(content.size));
        match ranges {
            // One range is what a scrubbing viewer or a resumed download asks for; several
            // would need a multipart answer, and ignoring them is allowed (RFC 9110, 14.2).
            Ok(ranges) if ranges.len() == 1 => {
                let (start, end) = ranges[0].clone().into_inner();
                Decision::Part(start..end + 1)
            }
            Ok(_) => Decision::Whole,
            Err(RangeUnsatisfiableError::Unsatisfiable) => Decision::Unsatisfiable,
            Err(_) => Decision::Whole,
        }
    }
}

fn etag(tag: &str) -> String {
    format!("\"{tag}\"")
}

/// True when an `If-None-Match` value names `etag` (or is `*`); weak tags compare by value.
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photos::Source;
    use actix_web::test::TestRequest;

    fn content() -> Content {
        Content {
            content_type: "image/png".into(),
            size: 1000,
            tag: "abc".into(),
            source: Source::Store("originals/ab/abc".into()),
        }
    }

    fn decide(headers: &[(&str, &str)]) -> Decision {
        let mut req = TestRequest::default();
        for (name, value) in headers {
            req = req.append_header((*name, *value));
        }
        Conditions::of(&req.to_http_request()).decide(&content())
    }

    #[test]
    fn etags_match_exactly_weakly_in_lists_and_by_star() {
        let etag = "\"abc\"";
        assert!(etag_matches("\"abc\"", etag));
        assert!(etag_matches("W/\"abc\"", etag));
        assert!(etag_matches("\"x\", \"abc\"", etag));
        assert!(etag_matches("*", etag));
        assert!(!etag_matches("\"abd\"", etag));
        assert!(!etag_matches("abc", etag));
    }

    #[test]
    fn ranges_are_honoured_one_at_a_time_and_only_for_the_current_version() {
        assert_eq!(decide(&[]), Decision::Whole);
        assert_eq!(decide(&[("range", "bytes=0-99")]), Decision::Part(0..100));
        assert_eq!(
            decide(&[("range", "bytes=900-")]),
            Decision::Part(900..1000)
        );
        assert_eq!(decide(&[("range", "bytes=-10")]), Decision::Part(990..1000));
        assert_eq!(
            decide(&[("range", "bytes=950-5000")]),
            Decision::Part(950..1000)
        );
        assert_eq!(decide(&[("range", "bytes=1000-")]), Decision::Unsatisfiable);
        assert_eq!(decide(&[("range", "bytes=0-1,5-9")]), Decision::Whole);
        assert_eq!(decide(&[("range", "pages=1")]), Decision::Whole);
        assert_eq!(decide(&[("range", "bytes=9-1")]), Decision::Whole);
        let twice = [("range", "bytes=0-1"), ("range", "bytes=5-9")];
        assert_eq!(decide(&twice), Decision::Whole);
        let current = [("range", "bytes=0-9"), ("if-range", "\"abc\"")];
        assert_eq!(decide(&current), Decision::Part(0..10));
        let stale = [("range", "bytes=0-9"), ("if-range", "\"old\"")];
        assert_eq!(decide(&stale), Decision::Whole);
        let held = [("range", "bytes=0-9"), ("if-none-match", "\"abc\"")];
        assert_eq!(decide(&held), Decision::NotModified);
    }
}
