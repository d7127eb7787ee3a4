//! Large images against the decode budget (docs/PHOTOS.md, Memory): a client that hangs up while
//! its photo is being decoded does not give the decode's memory back before the decode ends, so
//! hang-ups cannot run more decodes at once than the budget holds. The parallel flood measured
//! on the real binary is in `memory.rs`.

use crate::helpers::{spawn_app_with, TestUser};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use test_support::metric;
use tokio::io::AsyncWriteExt;

/// A 7000x7000 RGBA PNG of one colour: about 200 KB of file, 196 MB of pixels once decoded.
pub(crate) fn png_49_megapixels() -> Vec<u8> {
    let (width, height) = (7000u32, 7000u32);
    let pixels = vec![0x7Fu8; (width * height * 4) as usize];
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Best, FilterType::NoFilter)
        .write_image(&pixels, width, height, ExtendedColorType::Rgba8)
        .unwrap();
    png
}

/// Its pixels: what one decode of it reserves at least.
pub(crate) const DECODED_BYTES: f64 = 7000.0 * 7000.0 * 4.0;

/// A whole multipart upload of `png`, as raw HTTP.
fn upload_request(addr: &str, token: &str, png: &[u8]) -> Vec<u8> {
    let mut body = b"--XXXX\r\nContent-Disposition: form-data; name=\"file\"; \
                     filename=\"big.png\"\r\n\r\n"
        .to_vec();
    body.extend_from_slice(png);
    body.extend_from_slice(b"\r\n--XXXX--\r\n");
    let head = format!(
        "POST /photos HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XXXX\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    [head.into_bytes(), body].concat()
}

#[actix_web::test]
async fn a_client_that_hangs_up_during_its_decode_keeps_the_decode_memory_until_the_decode_ends() {
    // More threads than the default budget has room for decodes of this size: only the budget
    // keeps a second one from starting.
    let app = spawn_app_with(&[("PHOTO_WORKERS", "4"), ("MAX_PHOTO_BYTES", "5242880")]).await;
    let png = png_49_megapixels();
    assert!(png.len() < 1 << 20, "{}", png.len());
    let gauges = || async {
        let text = app.metrics_text().await;
        let running = metric(&text, "photo_prepares_running").unwrap();
        let reserved = metric(&text, "photo_decode_memory_reserved_bytes").unwrap();
        (running, reserved)
    };

    // The first client sends its whole upload and hangs up (a reset) once it is being decoded.
    let addr = app.address.trim_start_matches("http://").to_owned();
    let token = app.mint_token(&TestUser::new("quitter"));
    let mut quitter = tokio::net::TcpStream::connect(&addr).await.unwrap();
    quitter
        .write_all(&upload_request(&addr, &token, &png))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while gauges().await.0 < 1.0 {
        assert!(Instant::now() < deadline, "the decode never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    quitter.set_zero_linger().unwrap();
    drop(quitter);

    // A second large upload right behind it, while the gauges are watched.
    let second = {
        let (client, url) = (app.client.clone(), app.url("/photos"));
        let token = app.mint_token(&TestUser::new("patient"));
        let part = reqwest::multipart::Part::bytes(png.clone()).file_name("big.png");
        let form = reqwest::multipart::Form::new().part("file", part);
        tokio::spawn(async move {
            let sent = client.post(url).bearer_auth(token).multipart(form).send();
            sent.await.unwrap().status()
        })
    };
    let (mut most, mut samples) = (0.0f64, 0);
    while !second.is_finished() {
        let (running, reserved) = gauges().await;
        assert!(
            reserved >= running * DECODED_BYTES,
            "{running} decodes running with {reserved} bytes reserved"
        );
        most = most.max(running);
        samples += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(second.await.unwrap(), StatusCode::CREATED);
    assert_eq!(most, 1.0, "decodes at once, over {samples} samples");
}
