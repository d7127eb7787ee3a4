//! Properties of the two browser-header readers (docs/COOKIES.md): forwarding headers from a peer
//! outside `TRUSTED_PROXIES` never change the origin check's verdict, and a cookie counts only
//! under its exact raw name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::header::HeaderValue;
use actix_web::test::TestRequest;
use proptest::prelude::*;
use shared_tokens::extract::unique_cookie;
use shared_tokens::origin::check_origin;
use shared_tokens::TrustedProxies;

const FORWARDING: [&str; 3] = ["forwarded", "x-forwarded-host", "x-forwarded-proto"];
const NAME: &str = "__Host-refresh_token";

fn proxies() -> TrustedProxies {
    TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap()
}

/// Header values an attacker might try: hosts, schemes, `Forwarded` syntax, encodings.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("evil.example".to_owned()),
        Just("auth.example.com".to_owned()),
        Just("https".to_owned()),
        Just("http".to_owned()),
        Just("host=evil.example;proto=https".to_owned()),
        Just("for=1.2.3.4, host=\"auth.example.com\"".to_owned()),
        "[a-zA-Z0-9.:;=,\" /%-]{0,40}",
    ]
}

fn origin() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://evil.example".to_owned()),
        Just("http://auth.example.com".to_owned()),
        Just("https://auth.example.com".to_owned()),
        Just("https://app.example.com".to_owned()),
        Just("null".to_owned()),
        "(https?)://[a-z.]{1,20}(:[0-9]{1,5})?",
    ]
}

fn request(origin: &str, forwarding: &[(usize, String)], peer: &str) -> actix_web::HttpRequest {
    let mut req = TestRequest::post()
        .insert_header(("host", "auth.example.com"))
        .insert_header(("origin", origin))
        .peer_addr(peer.parse().unwrap());
    for (which, value) in forwarding {
        if let Ok(value) = HeaderValue::from_str(value) {
            req = req.append_header((FORWARDING[which % FORWARDING.len()], value));
        }
    }
    req.to_http_request()
}

proptest! {
    #[test]
    fn an_untrusted_peers_forwarding_headers_never_change_the_verdict(
        origin in origin(),
        forwarding in proptest::collection::vec((0usize..3, value()), 0..4),
    ) {
        let allowed = ["https://app.example.com".to_owned()];
        let stranger = "203.0.113.9:4000";
        let with = check_origin(&request(&origin, &forwarding, stranger), &allowed, &proxies());
        let without = check_origin(&request(&origin, &[], stranger), &allowed, &proxies());
        prop_assert_eq!(with, without);
    }

    #[test]
    fn a_cookie_counts_only_under_its_exact_raw_name(
        pairs in proptest::collection::vec(
            (prop_oneof![
                Just(NAME.to_owned()),
                Just("__Host%2Drefresh_token".to_owned()),
                Just("__host-refresh_token".to_owned()),
                Just("__Secure-refresh_token".to_owned()),
                "[a-zA-Z0-9_%-]{1,24}",
            ], "[a-zA-Z0-9._-]{0,12}"),
            0..5,
        ),
    ) {
        let header = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
        let req = TestRequest::get().insert_header(("cookie", header.as_str())).to_http_request();
        let exact: Vec<&String> = pairs.iter().filter(|(n, _)| n == NAME).map(|(_, v)| v).collect();
        match (unique_cookie(&req, NAME), exact.as_slice()) {
            (Ok(None), []) => {}
            (Ok(None), [v]) => prop_assert!(v.is_empty()),
            (Ok(Some(got)), [v]) => prop_assert_eq!(&got, *v),
            (Err(_), [_, _, ..]) => {}
            (answer, exact) => prop_assert!(false, "{header:?}: {answer:?} for {exact:?}"),
        }
    }
}
