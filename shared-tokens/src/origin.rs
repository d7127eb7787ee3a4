//! The browser origin check (docs/COOKIES.md, Origin check) for cookie-authenticated unsafe
//! requests.
//!
//! A browser always tells us where a request comes from (`Sec-Fetch-Site`, `Origin`, `Referer`);
//! a request with none of them comes from no browser, and cookies cannot be forged by a non-browser
//! client without stealing them first, so it passes. Where it was sent to is the connection's own
//! scheme and `Host`, or what a proxy of `TRUSTED_PROXIES` says; the scheme is compared too.

use crate::error::AuthError;
use crate::proxies::TrustedProxies;
use actix_web::http::header::{HeaderMap, HOST};
use actix_web::http::Method;
use actix_web::HttpRequest;
use service_kit::origin::normalise_origin;

/// The origin part of a `Referer` URL.
fn origin_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    normalise_origin(&format!("{scheme}://{authority}"))
}

/// The right-most value of header `name`, across all its lines: what the nearest proxy wrote.
fn last_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let line = headers.get_all(name).last()?.to_str().ok()?;
    let value = line.rsplit(',').next()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Parameter `key` of the right-most `Forwarded` element (`for=..;host=..;proto=..`).
fn forwarded_param(headers: &HeaderMap, key: &str) -> Option<String> {
    let element = last_value(headers, "forwarded")?;
    element.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let v = v.trim().trim_matches('"');
        (k.trim().eq_ignore_ascii_case(key) && !v.is_empty()).then(|| v.to_owned())
    })
}

/// The origin `req` was sent to. From a peer in `proxies`, the host and scheme its `Forwarded`
/// header names, else its `X-Forwarded-Host` and `X-Forwarded-Proto`; from anyone else, and for
/// whatever the proxy left out, the `Host` header and the connection's own scheme.
pub fn own_origin(req: &HttpRequest, proxies: &TrustedProxies) -> Option<String> {
    let headers = req.headers();
    let direct_host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .map(str::to_owned);
    let direct_scheme = if req.app_config().secure() {
        "https"
    } else {
        "http"
    }
    .to_owned();
    let (scheme, host) = if proxies.trusts_peer_of(req) {
        let said =
            |key, legacy| forwarded_param(headers, key).or_else(|| last_value(headers, legacy));
        (
            said("proto", "x-forwarded-proto").unwrap_or(direct_scheme),
            said("host", "x-forwarded-host").or(direct_host)?,
        )
    } else {
        (direct_scheme, direct_host?)
    };
    normalise_origin(&format!("{scheme}://{host}"))
}

/// True for the methods that change state.
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a request whose browser says it comes from a site that is neither this service's own
/// origin (scheme included) nor one of `allowed_origins`.
pub fn check_origin(
    req: &HttpRequest,
    allowed_origins: &[String],
    proxies: &TrustedProxies,
) -> Result<(), AuthError> {
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
    if own_origin(req, proxies).as_ref() == Some(&claimed) || allowed_origins.contains(&claimed) {
        Ok(())
    } else {
        Err(AuthError::CsrfRejected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    const PROXY: &str = "10.0.0.2:4000";
    const STRANGER: &str = "203.0.113.9:4000";

    fn allowed() -> Vec<String> {
        vec!["https://app.example.com".to_owned()]
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap()
    }

    /// Sent to `Host: auth.example.com` over plain http by `peer`.
    fn verdict_from(peer: &str, headers: &[(&str, &str)]) -> Result<(), AuthError> {
        let mut req = TestRequest::post()
            .insert_header(("host", "auth.example.com"))
            .peer_addr(peer.parse().unwrap());
        for (name, value) in headers {
            req = req.append_header((*name, *value));
        }
        check_origin(&req.to_http_request(), &allowed(), &proxies())
    }

    fn verdict(headers: &[(&str, &str)]) -> Result<(), AuthError> {
        verdict_from(STRANGER, headers)
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert_eq!(verdict(&[]), Ok(()));
    }

    #[test]
    fn own_and_allowed_origins_pass() {
        assert_eq!(verdict(&[("origin", "http://auth.example.com")]), Ok(()));
        assert_eq!(verdict(&[("origin", "http://auth.example.com:80")]), Ok(()));
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

    #[test]
    fn the_scheme_is_part_of_the_origin() {
        // Plain http to this host: its https origin is another origin, and the other way round.
        assert_eq!(
            verdict(&[("origin", "https://auth.example.com")]),
            Err(AuthError::CsrfRejected)
        );
        let proxied_https = [("x-forwarded-proto", "https")];
        let with = |origin| [proxied_https[0], ("origin", origin)];
        assert_eq!(
            verdict_from(PROXY, &with("https://auth.example.com")),
            Ok(())
        );
        assert_eq!(
            verdict_from(PROXY, &with("http://auth.example.com")),
            Err(AuthError::CsrfRejected)
        );
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        for headers in [
            vec![
                ("x-forwarded-host", "evil.example"),
                ("origin", "http://evil.example"),
            ],
            vec![
                ("x-forwarded-host", "evil.example"),
                ("x-forwarded-proto", "https"),
                ("origin", "https://evil.example"),
            ],
            vec![
                ("forwarded", "host=evil.example;proto=https"),
                ("origin", "https://evil.example"),
            ],
        ] {
            // From anyone else they are ignored: the Host header counts.
            assert_eq!(
                verdict(&headers),
                Err(AuthError::CsrfRejected),
                "{headers:?}"
            );
            // From our proxy they say where the browser sent the request.
            assert_eq!(verdict_from(PROXY, &headers), Ok(()), "{headers:?}");
        }
    }

    #[test]
    fn from_a_proxy_the_right_most_values_count() {
        // The client wrote the left-hand values; our proxy appended the right-most ones.
        let headers = [
            (
                "forwarded",
                "host=evil.example;proto=https, host=auth.example.net;proto=https",
            ),
            ("origin", "https://auth.example.net"),
        ];
        assert_eq!(verdict_from(PROXY, &headers), Ok(()));
        let headers = [
            ("x-forwarded-host", "evil.example"),
            ("x-forwarded-host", "auth.example.net"),
            ("origin", "http://evil.example"),
        ];
        assert_eq!(verdict_from(PROXY, &headers), Err(AuthError::CsrfRejected));
        // `Forwarded` wins over the X- headers; a field it leaves out comes from them.
        let headers = [
            ("forwarded", "for=1.2.3.4;host=\"auth.example.net:8443\""),
            ("x-forwarded-host", "evil.example"),
            ("x-forwarded-proto", "https"),
            ("origin", "https://auth.example.net:8443"),
        ];
        assert_eq!(verdict_from(PROXY, &headers), Ok(()));
    }

    #[test]
    fn a_garbled_forwarded_host_matches_nothing_but_the_allowed_origins() {
        for host in ["evil.example/x", "a@evil.example", ""] {
            let headers = [
                ("x-forwarded-host", host),
                ("origin", "http://auth.example.com"),
            ];
            let expected = if host.is_empty() {
                Ok(())
            } else {
                Err(AuthError::CsrfRejected)
            };
            assert_eq!(verdict_from(PROXY, &headers), expected, "{host:?}");
        }
        let headers = [
            ("x-forwarded-host", "evil.example/x"),
            ("origin", "https://app.example.com"),
        ];
        assert_eq!(verdict_from(PROXY, &headers), Ok(()));
    }
}
