//! Uploads as an attacker (or a careless phone) sends them: metadata that gives away where a photo
//! was taken, files that only start like images, headers that promise billions of pixels. What
//! comes back from `GET /photos/{id}/content` is stripped and decodes to the uploaded pixels.

use crate::helpers::*;
use image::{ExtendedColorType, ImageEncoder, RgbaImage};
use img_parts::png::{Png, PngChunk};
use img_parts::riff::{RiffChunk, RiffContent};
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};

const WIDTH: u32 = 24;
const HEIGHT: u32 = 16;

/// A TIFF (EXIF) block whose IFD0 points at a GPS IFD holding a latitude: "N", 52/1 0/1 0/1.
fn gps_exif() -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0 at 8: one entry, GPSInfo (0x8825, LONG) -> the GPS IFD at 26.
    tiff.extend_from_slice(b"\x00\x01\x88\x25\x00\x04\x00\x00\x00\x01\x00\x00\x00\x1a");
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    // GPS IFD at 26: GPSLatitudeRef "N" and GPSLatitude (3 RATIONALs at 56).
    tiff.extend_from_slice(b"\x00\x02\x00\x01\x00\x02\x00\x00\x00\x02N\x00\x00\x00");
    tiff.extend_from_slice(b"\x00\x02\x00\x05\x00\x00\x00\x03\x00\x00\x00\x38");
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    for (numerator, denominator) in [(52u32, 1u32), (0, 1), (0, 1)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    tiff
}

const XMP: &[u8] =
    b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><exif:GPSLatitude>52,0N</exif:GPSLatitude></x:xmpmeta>";

fn pixels() -> RgbaImage {
    RgbaImage::from_fn(WIDTH, HEIGHT, |x, y| {
        image::Rgba([(x * 10) as u8, (y * 15) as u8, ((x + y) * 5) as u8, 255])
    })
}

fn encode(encoder: impl ImageEncoder, color: ExtendedColorType) {
    let image = pixels();
    if color == ExtendedColorType::Rgb8 {
        let rgb = image::DynamicImage::ImageRgba8(image).to_rgb8();
        encoder.write_image(&rgb, WIDTH, HEIGHT, color).unwrap();
    } else {
        encoder.write_image(&image, WIDTH, HEIGHT, color).unwrap();
    }
}

pub(crate) fn jpeg_with_gps() -> Vec<u8> {
    let mut clean = Vec::new();
    encode(
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut clean, 95),
        ExtendedColorType::Rgb8,
    );
    let segment = |marker: u8, contents: &[u8]| {
        let length = u16::try_from(contents.len() + 2).unwrap().to_be_bytes();
        [&[0xFF, marker][..], &length, contents].concat()
    };
    let exif = segment(0xE1, &[&b"Exif\0\0"[..], &gps_exif()].concat());
    let xmp = segment(
        0xE1,
        &[&b"http://ns.adobe.com/xap/1.0/\0"[..], XMP].concat(),
    );
    let comment = segment(0xFE, b"taken at 52.5200 N, 13.4050 E");
    [&clean[..2], &exif, &xmp, &comment, &clean[2..]].concat()
}

fn png_with_gps() -> Vec<u8> {
    let mut clean = Vec::new();
    encode(
        image::codecs::png::PngEncoder::new(&mut clean),
        ExtendedColorType::Rgba8,
    );
    let mut png = Png::from_bytes(Bytes::from(clean)).unwrap();
    let itxt = [&b"XML:com.adobe.xmp\0\0\0\0\0"[..], XMP].concat();
    for (kind, contents) in [
        (*b"eXIf", gps_exif()),
        (*b"tEXt", b"Comment\0taken at 52.52 N".to_vec()),
        (*b"iTXt", itxt),
        (
            *b"zTXt",
            b"Location\0\0\x78\x9c\x03\x00\x00\x00\x00\x01".to_vec(),
        ),
    ] {
        png.chunks_mut()
            .insert(1, PngChunk::new(kind, Bytes::from(contents)));
    }
    png.encoder().bytes().to_vec()
}

fn webp_with_gps() -> Vec<u8> {
    let mut clean = Vec::new();
    encode(
        image::codecs::webp::WebPEncoder::new_lossless(&mut clean),
        ExtendedColorType::Rgba8,
    );
    let mut webp = WebP::from_bytes(Bytes::from(clean)).unwrap();
    webp.set_exif(Some(Bytes::from(gps_exif())));
    let xmp = RiffChunk::new(*b"XMP ", RiffContent::Data(Bytes::from_static(XMP)));
    webp.chunks_mut().push(xmp);
    webp.encoder().bytes().to_vec()
}

fn gif_with_comment() -> Vec<u8> {
    let mut clean = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut clean);
        encoder
            .encode(&pixels(), WIDTH, HEIGHT, ExtendedColorType::Rgba8)
            .unwrap();
    }
    let flags = clean[10];
    let after_colours = 13
        + if flags & 0x80 == 0 {
            0
        } else {
            3 << ((flags & 7) + 1)
        };
    let comment = b"!\xfe\x1dtaken at 52.5200 N, 13.4050 E\x00";
    let xmp = [
        &b"!\xff\x0bXMP DataXMP"[..],
        &[XMP.len() as u8],
        XMP,
        b"\x00",
    ]
    .concat();
    [
        &clean[..after_colours],
        comment,
        &xmp,
        &clean[after_colours..],
    ]
    .concat()
}

fn decoded(bytes: &[u8]) -> RgbaImage {
    image::load_from_memory(bytes).unwrap().to_rgba8()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Uploads `bytes`, checks the answer, and returns what `GET /photos/{id}/content` serves.
async fn upload_and_download(app: &TestApp, token: &str, bytes: &[u8], mime: &str) -> Vec<u8> {
    let response = app.upload(token, bytes, "photo", None).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{mime}");
    let photo: Value = response.json().await.unwrap();
    assert_eq!(photo["content_type"], mime);
    assert_eq!(photo["width"], WIDTH, "{photo}");
    assert_eq!(photo["height"], HEIGHT, "{photo}");
    let shown = app
        .get_json(&format!("/photos/{}", id_of(&photo)), token)
        .await;
    assert_eq!(shown, photo);
    let content = app
        .get(&format!("/photos/{}/content", id_of(&photo)), token)
        .send()
        .await
        .unwrap();
    assert_eq!(content.status(), StatusCode::OK);
    let served = content.bytes().await.unwrap().to_vec();
    assert_eq!(
        photo["size_bytes"],
        served.len(),
        "the stored file is the stripped one"
    );
    assert!(served.len() < bytes.len(), "{mime}: nothing was stripped");
    served
}

pub(crate) fn assert_no_metadata(served: &[u8], what: &str) {
    for needle in [
        &b"Exif"[..],
        b"GPS",
        b"52.52",
        b"xmpmeta",
        b"\x00\x2a\x00\x00\x00\x08",
    ] {
        assert!(!contains(served, needle), "{what} still holds {needle:?}");
    }
}

#[tokio::test]
async fn a_jpeg_with_gps_exif_xmp_and_a_comment_comes_back_without_them_and_same_pixels() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("paparazzo"));
    let uploaded = jpeg_with_gps();
    assert!(contains(&uploaded, b"Exif\0\0"));
    let served = upload_and_download(&app, &token, &uploaded, "image/jpeg").await;
    assert_no_metadata(&served, "JPEG");
    assert!(!contains(&served, b"\xFF\xE1") && !contains(&served, b"\xFF\xFE"));
    assert_eq!(decoded(&served), decoded(&uploaded));
}

#[tokio::test]
async fn a_png_with_exif_and_text_chunks_comes_back_without_them_and_same_pixels() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("paparazzo"));
    let uploaded = png_with_gps();
    let served = upload_and_download(&app, &token, &uploaded, "image/png").await;
    let kinds: Vec<[u8; 4]> = Png::from_bytes(Bytes::from(served.clone()))
        .unwrap()
        .chunks()
        .iter()
        .map(PngChunk::kind)
        .collect();
    for kind in [b"eXIf", b"tEXt", b"iTXt", b"zTXt"] {
        assert!(!kinds.contains(kind), "{kinds:?}");
    }
    assert_no_metadata(&served, "PNG");
    assert_eq!(decoded(&served), pixels());
}

#[tokio::test]
async fn a_webp_with_exif_and_xmp_chunks_comes_back_without_them_and_same_pixels() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("paparazzo"));
    let uploaded = webp_with_gps();
    let served = upload_and_download(&app, &token, &uploaded, "image/webp").await;
    let webp = WebP::from_bytes(Bytes::from(served.clone())).unwrap();
    assert!(webp
        .chunks()
        .iter()
        .all(|c| c.id() != *b"EXIF" && c.id() != *b"XMP "));
    assert_no_metadata(&served, "WebP");
    assert_eq!(decoded(&served), pixels());
}

#[tokio::test]
async fn a_gif_with_a_comment_and_xmp_comes_back_without_them_and_same_pixels() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("paparazzo"));
    let uploaded = gif_with_comment();
    let served = upload_and_download(&app, &token, &uploaded, "image/gif").await;
    assert!(!contains(&served, b"!\xfe") && !contains(&served, b"XMP DataXMP"));
    assert_no_metadata(&served, "GIF");
    assert_eq!(decoded(&served), decoded(&uploaded));
}

#[tokio::test]
async fn a_magic_number_followed_by_garbage_is_415_for_every_format() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("mallory"));
    let garbage = b"\x13\x37 this is not image data at all, only a disguise ".repeat(20);
    let mut png_cut = png_with_gps();
    png_cut.truncate(png_cut.len() / 2);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("jpeg", [&b"\xFF\xD8\xFF"[..], &garbage].concat()),
        ("png", [&b"\x89PNG\r\n\x1a\n"[..], &garbage].concat()),
        ("gif", [&b"GIF89a"[..], &garbage].concat()),
        (
            "webp",
            [&b"RIFF\x00\x04\x00\x00WEBP"[..], &garbage].concat(),
        ),
        ("truncated png", png_cut),
    ];
    for (what, bytes) in cases {
        let response = app.upload(&token, &bytes, what, None).await;
        let status = response.status();
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{what}");
        assert_error(response, status, "unsupported_media_type").await;
    }
    let listed = app.get_json("/photos?owner=me", &token).await;
    assert_eq!(listed["photos"].as_array().unwrap().len(), 0);
}

/// A 100000x100000 PNG is 10 gigapixels, 40 GB once decoded, in a few dozen bytes.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = Png::from_bytes(Bytes::from(PNG.to_vec())).unwrap();
    png.chunks_mut()[0] = PngChunk::new(*b"IHDR", Bytes::from(ihdr));
    png.encoder().bytes().to_vec()
}

/// A baseline JPEG frame header (SOF0) declaring 65000x65000.
fn jpeg_bomb() -> Vec<u8> {
    let real = jpeg();
    let sof = real.windows(2).position(|w| w == b"\xFF\xC0").unwrap();
    let mut bomb = real.clone();
    bomb[sof + 5..sof + 9].copy_from_slice(&[0xFD, 0xE8, 0xFD, 0xE8]);
    bomb
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_from_its_header_fast() {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("mallory"));
    let cases = [
        ("png 100000x100000", png_bomb(100_000, 100_000)),
        ("png 10000x6000", png_bomb(10_000, 6_000)),
        ("png 20000x1", png_bomb(20_000, 1)),
        ("jpeg 65000x65000", jpeg_bomb()),
    ];
    for (what, bytes) in cases {
        let started = Instant::now();
        let response = app.upload(&token, &bytes, what, None).await;
        let took = started.elapsed();
        let status = response.status();
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{what}");
        let body = assert_error(response, status, "payload_too_large").await;
        assert!(
            body["message"].as_str().unwrap().contains("megapixels"),
            "{body}"
        );
        assert!(took < Duration::from_millis(500), "{what} took {took:?}");
    }
}
