//! Uploads, text and cookies as an attacker sends them: bodies that never end or never frame,
//! NUL bytes, planted cookies, parallel uploads against the quota, made-up methods. Each test
//! here failed before the defence it names existed (docs/SECURITY.md lists them).

use crate::helpers::{
    assert_error, spawn_app, spawn_app_with, TestApp, TestUser, MAX_PHOTO_BYTES, PNG,
};
use reqwest::StatusCode;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use test_support::raw_http;

fn host(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Streams up to `total` bytes as a chunked multipart body whose boundary line never comes.
/// Returns the status the server answered with and how many bytes had been written when that
/// answer arrived (the writer stops then).
fn stream_unframed_upload(addr: &str, token: &str, total: usize) -> (u16, usize) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let head = format!(
        "POST /photos HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XXXX\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let sent = Arc::new(AtomicUsize::new(0));
    let answered_at = Arc::new(AtomicUsize::new(usize::MAX));
    let reader = {
        let mut stream = stream.try_clone().unwrap();
        let (sent, answered_at) = (sent.clone(), answered_at.clone());
        std::thread::spawn(move || {
            stream
                .set_read_timeout(Some(Duration::from_secs(60)))
                .unwrap();
            let mut first = [0u8; 12];
            let status = match stream.read_exact(&mut first) {
                Ok(()) => String::from_utf8_lossy(&first[9..12]).parse().unwrap_or(0),
                Err(_) => 0,
            };
            answered_at.store(sent.load(Ordering::SeqCst), Ordering::SeqCst);
            status
        })
    };
    let chunk = [
        format!("{:x}\r\n", 64 * 1024).into_bytes(),
        vec![b'A'; 64 * 1024],
        b"\r\n".to_vec(),
    ]
    .concat();
    while sent.load(Ordering::SeqCst) < total && answered_at.load(Ordering::SeqCst) == usize::MAX {
        if stream.write_all(&chunk).is_err() {
            break;
        }
        sent.fetch_add(64 * 1024, Ordering::SeqCst);
    }
    let status = reader.join().unwrap();
    (status, answered_at.load(Ordering::SeqCst))
}

#[actix_web::test]
async fn a_chunked_upload_that_never_frames_a_part_is_refused_early_with_413() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("streamer"));
    let addr = host(&app);
    let (status, sent) = tokio::task::spawn_blocking(move || {
        stream_unframed_upload(&addr, &token, 64 * 1024 * 1024)
    })
    .await
    .unwrap();
    assert_eq!(status, 413);
    // The answer came once the cap (64 KiB here) was crossed, give or take the socket buffers,
    // not after the client was done.
    assert!(sent < 16 * 1024 * 1024, "answered only after {sent} bytes");
}

#[actix_web::test]
async fn oversized_bodies_are_413_whatever_the_framing() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("framer"));
    let big = vec![0x89u8; MAX_PHOTO_BYTES * 2];
    // A well-formed part that is too large, sent chunked (no Content-Length to refuse early).
    let mut body =
        b"--XXXX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"
            .to_vec();
    body.extend_from_slice(PNG);
    body.extend_from_slice(&big);
    body.extend_from_slice(b"\r\n--XXXX--\r\n");
    let chunked: Vec<u8> = body
        .chunks(8 * 1024)
        .flat_map(|c| {
            [
                format!("{:x}\r\n", c.len()).into_bytes(),
                c.to_vec(),
                b"\r\n".to_vec(),
            ]
            .concat()
        })
        .chain(b"0\r\n\r\n".iter().copied())
        .collect();
    let head = format!(
        "POST /photos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XXXX\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n"
    );
    let request = [head.into_bytes(), chunked].concat();
    let addr = host(&app);
    let answer = tokio::task::spawn_blocking(move || raw_http::exchange(&addr, &request))
        .await
        .unwrap();
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"], "payload_too_large");
}

#[actix_web::test]
async fn malformed_multipart_bodies_are_400_or_415_never_500() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("mangler"));
    let auth = format!("Bearer {token}");
    let cases: Vec<(&str, &[u8])> = vec![
        ("multipart/form-data; boundary=XXXX", b""),
        ("multipart/form-data; boundary=XXXX", b"--XXXX\r\n"),
        ("multipart/form-data; boundary=XXXX", b"--XXXX\r\nContent-Disposition: form-data\r\n\r\nabc"),
        ("multipart/form-data; boundary=XXXX", b"--XXXX\r\nno-colon-header\r\n\r\nabc\r\n--XXXX--\r\n"),
        ("multipart/form-data; boundary=XXXX", b"--XXXX\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\x89PNG\r\n--YYYY--"),
        ("multipart/form-data; boundary=XXXX", b"garbage without any boundary at all"),
        ("multipart/form-data; boundary=", b"--\r\n\r\n"),
        ("multipart/form-data", b"--XXXX--\r\n"),
        ("multipart/mixed; boundary=XXXX", b"--XXXX--\r\n"),
        ("text/plain", b"hello"),
        ("multipart/form-data; boundary=XXXX", b"--XXXX\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n\xff\xfe\r\n--XXXX--\r\n"),
    ];
    for (content_type, body) in cases {
        let answer = raw_http::send(
            &host(&app),
            "POST",
            "/photos",
            &[("Authorization", &auth), ("Content-Type", content_type)],
            body,
        );
        assert!(
            answer.status == 400 || answer.status == 415,
            "{content_type} {:?}: {} {:?}",
            String::from_utf8_lossy(body),
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        assert!(answer.json()["error"].is_string(), "JSON error body");
    }
}

#[actix_web::test]
async fn nul_bytes_in_text_fields_are_400_validation_errors() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("nully"));
    let response = app.upload(&token, PNG, "a.png", Some("nul\0here")).await;
    let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(body["fields"]["caption"].is_string(), "{body}");

    let response = app.patch_profile(&token, &json!({"bio": "a\u{0}b"})).await;
    let body = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(body["fields"]["bio"].is_string(), "{body}");

    for query in ["owner=me%00", "cursor=%00", "limit=1%00"] {
        let response = app
            .get(&format!("/photos?{query}"), &token)
            .send()
            .await
            .unwrap();
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
    let response = app.get("/photos/%00", &token).send().await.unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}

#[actix_web::test]
async fn the_access_cookie_sent_twice_is_refused_with_400() {
    let app = spawn_app_with(&[("COOKIE_SECURE", "false")]).await;
    let alice = app.mint_token(&TestUser::new("alice"));
    let mallory = app.mint_token(&TestUser::new("mallory"));
    for cookies in [
        vec![format!("access_token={mallory}; access_token={alice}")],
        vec![
            format!("access_token={alice}"),
            format!("access_token={alice}"),
        ],
        vec![format!("other=1; access_token={alice}; x=2; access_token=")],
    ] {
        let headers: Vec<(&str, &str)> = cookies.iter().map(|c| ("Cookie", c.as_str())).collect();
        let answer = raw_http::send(&host(&app), "GET", "/whoami", &headers, b"");
        assert_eq!(answer.status, 400, "{cookies:?}");
        assert_eq!(answer.json()["error"], "invalid_request");
    }
    // One cookie is fine.
    let one = format!("access_token={alice}");
    let answer = raw_http::send(&host(&app), "GET", "/whoami", &[("Cookie", &one)], b"");
    assert_eq!(answer.status, 200);
}

#[actix_web::test]
async fn parallel_uploads_count_against_the_quota_one_by_one() {
    let app = spawn_app_with(&[("MAX_PHOTOS_PER_USER", "3")]).await;
    let token = app.mint_token(&TestUser::new("hoarder"));
    let uploads = (0..8).map(|_| app.upload(&token, PNG, "p.png", None));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(uploads)
        .await
        .into_iter()
        .map(|r| r.status())
        .collect();
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 3, "{statuses:?}");
    let response = app.upload(&token, PNG, "p.png", None).await;
    let body = assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "quota_exceeded").await;
    assert!(body["message"].as_str().unwrap().contains('3'), "{body}");
    // Another account has its own quota.
    let other = app.mint_token(&TestUser::new("other"));
    assert_eq!(
        app.upload(&other, PNG, "p.png", None).await.status(),
        StatusCode::CREATED
    );
}

#[actix_web::test]
async fn metrics_are_not_public_and_made_up_methods_add_no_series() {
    let app = spawn_app().await;
    assert_eq!(
        raw_http::send(&host(&app), "GET", "/metrics", &[], b"").status,
        404
    );
    let scrape = || async {
        let text = app.metrics_text().await;
        text.lines()
            .filter(|l| l.starts_with("http_requests_total{"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    for i in 0..30 {
        raw_http::send(&host(&app), &format!("X{i}"), "/photos", &[], b"");
    }
    let first = scrape().await;
    for i in 30..60 {
        raw_http::send(
            &host(&app),
            &format!("X{i}"),
            &format!("/nope/{i}"),
            &[],
            b"",
        );
    }
    let second = scrape().await;
    assert!(
        second.iter().all(|l| !l.contains("method=\"X")),
        "{second:?}"
    );
    assert!(second.iter().any(|l| l.contains("method=\"other\"")));
    assert!(second.len() <= first.len() + 1, "{first:?}\n{second:?}");
}
