//! The browser origin check (docs/COOKIES.md, Origin check) for cookie-authenticated unsafe
//! requests.
//!
//! A browser always tells us where a request comes from (`Sec-Fetch-Site`, `Origin`, `Referer`);
//! a request with none of them comes from no browser, and cookies cannot be forged by a non-browser
//! client without stealing them first, so it passes.

use crate::error::AuthError;
use actix_web::http::Method;
use actix_web::HttpRequest;

/// `scheme://host[:port]` in lower case, or `None` when `input` is no origin.
pub fn normalise_origin(input: &str) -> Option<String> {
    let input = input.trim().trim_end_matches('/');
    let (scheme, rest) = input.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !(scheme == "http" || scheme == "https") {
        return None;
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ', '@']) {
        return None;
    }
    Some(format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

/// The origin part of a `Referer` URL.
fn origin_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    normalise_origin(&format!("{scheme}://{authority}"))
}

/// True for the methods that change state.
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a request whose browser says it comes from a site that is neither this service nor
/// one of `allowed_origins`.
pub fn check_origin(req: &HttpRequest, allowed_origins: &[String]) -> Result<(), AuthError> {
    let headers = req.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());

    if header("sec-fetch-site").is_some_and(|v| v.eq_ignore_ascii_case("cross-site")) {
        return Err(AuthError::CsrfRejected);
    }
    let claimed = match (header("origin"), header("referer")) {
        (Some(origin), _) => normalise_origin(origin),
        (None, Some(referer)) => origin_of_url(referer),
        (None, None) => return Ok(()),
    };
    // A present but unparseable origin (including the opaque `null`) is not ours.
    let claimed = claimed.ok_or(AuthError::CsrfRejected)?;
    let own_host = req.connection_info().host().to_ascii_lowercase();
    let claimed_host = claimed.split_once("://").map(|(_, host)| host);
    if claimed_host == Some(own_host.as_str()) || allowed_origins.contains(&claimed) {
        Ok(())
    } else {
        Err(AuthError::CsrfRejected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn allowed() -> Vec<String> {
        vec!["https://app.example.com".to_owned()]
    }

    fn verdict(headers: &[(&str, &str)]) -> Result<(), AuthError> {
        let mut req = TestRequest::post().insert_header(("host", "auth.example.com"));
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        check_origin(&req.to_http_request(), &allowed())
    }

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            normalise_origin("HTTPS://App.Example.com/"),
            Some("https://app.example.com".into())
        );
        assert_eq!(normalise_origin("null"), None);
        assert_eq!(normalise_origin("ftp://x"), None);
        assert_eq!(normalise_origin("https://x/path"), None);
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert_eq!(verdict(&[]), Ok(()));
    }

    #[test]
    fn own_and_allowed_origins_pass() {
        assert_eq!(verdict(&[("origin", "https://auth.example.com")]), Ok(()));
        assert_eq!(verdict(&[("origin", "https://app.example.com")]), Ok(()));
        assert_eq!(
            verdict(&[("referer", "https://app.example.com/page?x=1")]),
            Ok(())
        );
        assert_eq!(verdict(&[("sec-fetch-site", "same-origin")]), Ok(()));
    }

    #[test]
    fn foreign_or_opaque_origins_are_refused() {
        for headers in [
            vec![("origin", "https://evil.example")],
            vec![("origin", "null")],
            vec![("referer", "https://evil.example/attack")],
            vec![("sec-fetch-site", "cross-site")],
            vec![
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://app.example.com"),
            ],
        ] {
            assert_eq!(
                verdict(&headers),
                Err(AuthError::CsrfRejected),
                "{headers:?}"
            );
        }
    }
}
