//! Uploads in flight and bodies that stall, as an attacker sends them (docs/PHOTOS.md, Limits):
//! a body that stops is cut and its connection closed, whatever its framing; an account or an
//! instance with too many uploads under way is refused before a byte of the next body is read.
//! Each test here failed before the defence it names existed.

use crate::helpers::{spawn_app_with, TestApp, TestUser, PNG};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// How a raw upload frames its body.
#[derive(Debug, Clone, Copy)]
enum Framing {
    Length,
    Chunked,
}

/// Opens an upload of a PNG part that declares `declared` bytes in all and sends only its first
/// bytes (or none at all), then sends nothing more: the connection is returned open.
fn start_upload(app: &TestApp, token: &str, framing: Framing, send_part: bool) -> TcpStream {
    let addr = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let part = [
        b"--XXXX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"
            .as_slice(),
        PNG,
    ]
    .concat();
    let framing_header = match framing {
        Framing::Length => "Content-Length: 50000".to_owned(),
        Framing::Chunked => "Transfer-Encoding: chunked".to_owned(),
    };
    let head = format!(
        "POST /photos HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XXXX\r\n{framing_header}\r\n\r\n"
    );
    let mut request = head.into_bytes();
    if send_part {
        match framing {
            Framing::Length => request.extend_from_slice(&part),
            Framing::Chunked => {
                request.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
                request.extend_from_slice(&part);
                request.extend_from_slice(b"\r\n");
            }
        }
    }
    stream.write_all(&request).unwrap();
    stream
}

/// What came back on `stream` within its read timeout, and whether the server closed it.
struct Answer {
    status: u16,
    head: String,
    closed: bool,
}

fn read_answer(mut stream: TcpStream) -> Answer {
    let mut raw = Vec::new();
    let closed = stream.read_to_end(&mut raw).is_ok();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    Answer {
        status,
        head: head.to_ascii_lowercase(),
        closed,
    }
}

/// Uploads the test PNG for `token` until it is stored: the place a finished request held is
/// given back once the server has seen its end, which may take a moment after the client left.
async fn upload_once_admitted(app: &TestApp, token: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = app.upload(token, PNG, "later.png", None).await;
        if response.status() == reqwest::StatusCode::CREATED {
            return;
        }
        assert!(Instant::now() < deadline, "still {}", response.status());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn a_body_that_stalls_is_cut_with_408_and_its_connection_closed_whatever_its_framing() {
    let app = spawn_app_with(&[("UPLOAD_STALL_TIMEOUT", "1s")]).await;
    let token = app.mint_token(&TestUser::new("staller"));
    for framing in [Framing::Length, Framing::Chunked] {
        let stream = start_upload(&app, &token, framing, true);
        let started = Instant::now();
        let answer = tokio::task::spawn_blocking(move || read_answer(stream))
            .await
            .unwrap();
        assert_eq!(answer.status, 408, "{framing:?}: {}", answer.head);
        assert!(answer.closed, "{framing:?}: the connection stayed open");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{framing:?}: answered after {:?}",
            started.elapsed()
        );
    }
    // The stalled uploads hold no place any more.
    upload_once_admitted(&app, &token).await;
}

#[actix_web::test]
async fn an_account_past_its_uploads_in_flight_is_429_before_the_body_is_read() {
    let app = spawn_app_with(&[("UPLOADS_IN_FLIGHT_PER_USER", "2")]).await;
    let token = app.mint_token(&TestUser::new("hoarder"));
    let first = start_upload(&app, &token, Framing::Length, true);
    let second = start_upload(&app, &token, Framing::Chunked, true);
    tokio::time::sleep(Duration::from_millis(500)).await;
    for framing in [Framing::Length, Framing::Chunked] {
        // Headers only: a server that waited for the body would never answer.
        let third = start_upload(&app, &token, framing, false);
        let answer = tokio::task::spawn_blocking(move || read_answer(third))
            .await
            .unwrap();
        assert_eq!(answer.status, 429, "{framing:?}: {}", answer.head);
        assert!(answer.head.contains("retry-after: "), "{}", answer.head);
        assert!(answer.closed, "{framing:?}: the unread body is not drained");
    }
    // Another account is not held back by this one.
    app.upload_png(&app.mint_token(&TestUser::new("bystander")))
        .await;
    drop((first, second));
    upload_once_admitted(&app, &token).await;
}

#[actix_web::test]
async fn an_instance_past_its_uploads_in_flight_is_503_before_the_body_is_read() {
    let app = spawn_app_with(&[("UPLOADS_IN_FLIGHT", "2")]).await;
    let holders: Vec<_> = ["one", "two"]
        .into_iter()
        .map(|name| {
            let token = app.mint_token(&TestUser::new(name));
            start_upload(&app, &token, Framing::Length, true)
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let token = app.mint_token(&TestUser::new("third"));
    let refused = start_upload(&app, &token, Framing::Chunked, false);
    let answer = tokio::task::spawn_blocking(move || read_answer(refused))
        .await
        .unwrap();
    assert_eq!(answer.status, 503, "{}", answer.head);
    assert!(answer.head.contains("retry-after: "), "{}", answer.head);
    assert!(answer.closed, "the unread body is not drained");
    drop(holders);
    upload_once_admitted(&app, &token).await;
}
