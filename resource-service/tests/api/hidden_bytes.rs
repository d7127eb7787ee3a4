//! Bytes hidden where a viewer does not look (docs/SECURITY.md, "Photo metadata"): a JFIF
//! thumbnail, a JFXX segment, the JPEG markers reserved for extensions, a PNG suggested palette
//! (`sPLT`), chunks inside the frames of an animated WebP. Each can carry a picture or text of its
//! own; what is served is exactly the file without them.

use crate::helpers::*;
use image::{ExtendedColorType, ImageEncoder, RgbaImage};
use img_parts::png::{Png, PngChunk};
use img_parts::Bytes;
use reqwest::StatusCode;
use serde_json::Value;

const SECRET: &[u8] = b"SECRET";

fn pixels() -> RgbaImage {
    RgbaImage::from_fn(24, 16, |x, y| {
        image::Rgba([(x * 10) as u8, (y * 15) as u8, 90, 255])
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Uploads `bytes` and returns what `GET /photos/{id}/content` serves.
async fn served(bytes: &[u8]) -> Vec<u8> {
    let app = spawn_app().await;
    let token = app.mint_token(&TestUser::new("smuggler"));
    let response = app.upload(&token, bytes, "photo", None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let photo: Value = response.json().await.unwrap();
    let path = format!("/photos/{}/content", id_of(&photo));
    let content = app.get(&path, &token).send().await.unwrap();
    content.bytes().await.unwrap().to_vec()
}

fn segment(marker: u8, contents: &[u8]) -> Vec<u8> {
    let length = u16::try_from(contents.len() + 2).unwrap().to_be_bytes();
    [&[0xFF, marker][..], &length, contents].concat()
}

#[tokio::test]
async fn jfif_and_jfxx_thumbnails_and_reserved_jpeg_markers_are_not_served() {
    let mut clean = Vec::new();
    let rgb = image::DynamicImage::ImageRgba8(pixels()).to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut clean, 90)
        .write_image(&rgb, 24, 16, ExtendedColorType::Rgb8)
        .unwrap();
    // The encoder's JFIF segment (no thumbnail), then the rest.
    assert_eq!(&clean[2..4], [0xFF, 0xE0]);
    let (jfif, rest) = (&clean[6..20], &clean[20..]);
    // The same JFIF segment with a 2x1 thumbnail, whose six bytes of RGB are the secret.
    let with_thumbnail = [&jfif[..12], &[2, 1], SECRET].concat();
    let uploaded = [
        &clean[..2],
        &segment(0xE0, &with_thumbnail),
        &segment(0xE0, &[&b"JFXX\0\x13"[..], SECRET].concat()),
        &segment(0xF0, SECRET),
        &segment(0x4A, SECRET),
        rest,
    ]
    .concat();
    let served = served(&uploaded).await;
    assert!(!contains(&served, SECRET));
    assert_eq!(served, clean);
}

#[tokio::test]
async fn a_suggested_palette_is_not_served() {
    let mut clean = Vec::new();
    image::codecs::png::PngEncoder::new(&mut clean)
        .write_image(&pixels(), 24, 16, ExtendedColorType::Rgba8)
        .unwrap();
    let mut png = Png::from_bytes(Bytes::from(clean.clone())).unwrap();
    let palette = [SECRET, b"\0\x08", &[1, 2, 3, 4, 0, 5]].concat();
    let chunk = PngChunk::new(*b"sPLT", Bytes::from(palette));
    png.chunks_mut().insert(1, chunk);
    let served = served(&png.encoder().bytes()).await;
    assert!(!contains(&served, SECRET));
    assert_eq!(served, clean);
}

/// A RIFF chunk: id, little-endian length, data, padded to an even length.
fn chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = [&id[..], &(data.len() as u32).to_le_bytes(), data].concat();
    chunk.resize(chunk.len() + data.len() % 2, 0);
    chunk
}

/// An animated WebP of one frame whose ANMF chunk also holds `extra` chunks.
fn animated_webp(extra: &[Vec<u8>]) -> Vec<u8> {
    let mut lossless = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut lossless)
        .write_image(&pixels(), 24, 16, ExtendedColorType::Rgba8)
        .unwrap();
    // RIFF, size, WEBP, then the one VP8L chunk.
    let vp8l = &lossless[12..];
    assert_eq!(&vp8l[..4], b"VP8L");
    let size = |n: u32| n.to_le_bytes()[..3].to_vec();
    // Flags: animation (and alpha); canvas 24x16, stored minus one.
    let vp8x = [vec![0x12, 0, 0, 0], size(23), size(15)].concat();
    let anim = [0u8, 0, 0, 0, 0, 0];
    // At 0,0; 24x16; 100 ms; no blending.
    let header = [size(0), size(0), size(23), size(15), size(100), vec![0x02]].concat();
    let mut frame = header;
    for chunk in extra {
        frame.extend_from_slice(chunk);
    }
    frame.extend_from_slice(vp8l);
    let body = [
        &b"WEBP"[..],
        &chunk(b"VP8X", &vp8x),
        &chunk(b"ANIM", &anim),
        &chunk(b"ANMF", &frame),
    ]
    .concat();
    [&b"RIFF"[..], &(body.len() as u32).to_le_bytes(), &body].concat()
}

#[tokio::test]
async fn chunks_inside_an_animated_webp_frame_are_not_served() {
    let clean = animated_webp(&[]);
    let uploaded = animated_webp(&[chunk(b"XMP ", SECRET), chunk(b"prvt", SECRET)]);
    let served = served(&uploaded).await;
    assert!(!contains(&served, SECRET));
    assert_eq!(served, clean);
}
