//! The conditional GET of a photo's bytes: its strong ETag (the SHA-256 of the bytes), the
//! client's `If-None-Match`, and the 200 or 304 answer with the headers both carry.

use crate::photos::PhotoContent;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

/// The `If-None-Match` header of a request, if it has a readable one.
#[derive(Debug)]
pub struct IfNoneMatch(Option<String>);

impl IfNoneMatch {
    pub fn of(req: &HttpRequest) -> Self {
        let value = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Self(value)
    }

    /// True when the client already holds the bytes whose SHA-256 is `sha256`.
    pub fn holds(&self, sha256: &str) -> bool {
        self.0
            .as_deref()
            .is_some_and(|value| etag_matches(value, &etag(sha256)))
    }
}

fn etag(sha256: &str) -> String {
    format!("\"{sha256}\"")
}

/// True when an `If-None-Match` value names `etag` (or is `*`); weak tags compare by value.
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// 200 with the bytes and their stored type, or 304 when they were not read because the client
/// holds them; both with the ETag and the caching headers.
pub fn respond(content: PhotoContent) -> HttpResponse {
    let etag = etag(&content.meta.sha256);
    match content.bytes {
        Some(bytes) => {
            let mut response = HttpResponse::Ok();
            response.content_type(content.meta.content_type);
            with_content_headers(&mut response, &etag).body(bytes)
        }
        None => with_content_headers(&mut HttpResponse::NotModified(), &etag).finish(),
    }
}

fn with_content_headers<'a>(
    response: &'a mut HttpResponseBuilder,
    etag: &str,
) -> &'a mut HttpResponseBuilder {
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.insert_header((header::ETAG, value));
    }
    response
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Behind authentication: private caches only, and revalidate (the ETag makes it cheap).
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        // User content: should a browser ever render it as a document, it runs nothing.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
