//! The headers that decide what a GET of a photo's bytes answers (docs/API.md, "Photo bytes"):
//! `If-None-Match` (304), `Range` with `If-Range` (206, or 416 for a range past the end), read
//! and weighed against the strong ETag. The answer itself is built by
//! `routes/photos/conditional.rs`.

use crate::photos::{Content, Decision};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use http_range_header::{parse_range_header, RangeUnsatisfiableError};
use std::future::{ready, Ready};

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

impl FromRequest for Conditions {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Conditions::of(req)))
    }
}

impl Conditions {
    fn of(req: &HttpRequest) -> Self {
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

/// The strong ETag of the bytes whose tag is `tag`.
pub fn etag(tag: &str) -> String {
    format!("\"{tag}\"")
}

/// True when an `If-None-Match` value names `etag` (or is `*`); weak tags compare by value.
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
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
