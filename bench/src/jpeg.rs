//! The photos the photo part uploads: deterministic JPEGs of a chosen size, variants of one with
//! different bytes, and the multipart body of `POST /photos` (docs/API.md).
//!
//! The pixels are a gradient under per-pixel noise from a fixed hash, so every run uploads the
//! same bytes; noise keeps JPEG from compressing them much, which is what makes a few hundred
//! pixels a side weigh as much as a phone photo.

use crate::http::Req;
use crate::Error;
use bytes::Bytes;
use hyper::header::HeaderValue;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

/// Encoder quality: a camera's usual setting.
const QUALITY: u8 = 90;
/// Width : height of every generated photo, in tenths.
const ASPECT: (u32, u32) = (7, 5);
/// How close to the requested size a photo must come.
const TOLERANCE: f64 = 0.03;

/// A generated JPEG.
pub struct Jpeg {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// A JPEG of about `target` bytes: the width is adjusted (size grows with the pixel count) until
/// the encoded size is within [`TOLERANCE`] of it. The same `target` always gives the same bytes.
pub fn about(target: usize) -> Result<Jpeg, Error> {
    // Starting guess: about 1.5 bytes per pixel at quality 90 for this noise.
    let mut width =
        ((target as f64 / 1.5 * f64::from(ASPECT.0) / f64::from(ASPECT.1)).sqrt()).max(16.0) as u32;
    for _ in 0..12 {
        let height = (width * ASPECT.1 / ASPECT.0).max(1);
        let bytes = encode(width, height)?;
        let off = bytes.len() as f64 / target as f64;
        if (off - 1.0).abs() <= TOLERANCE {
            return Ok(Jpeg {
                bytes,
                width,
                height,
            });
        }
        width = ((f64::from(width) / off.sqrt()).round() as u32).max(16);
    }
    Err(format!("could not generate a JPEG of about {target} bytes").into())
}

fn encode(width: u32, height: u32) -> Result<Vec<u8>, Error> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        let n = mix(u64::from(y) << 32 | u64::from(x));
        let noise = |shift: u32| ((n >> shift) & 0x7f) as u32;
        let base = |v: u32, max: u32| 64 + v * 64 / max.max(1);
        Rgb([
            (base(x, width) + noise(0)).min(255) as u8,
            (base(y, height) + noise(8)).min(255) as u8,
            (base(x + y, width + height) + noise(16)).min(255) as u8,
        ])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY).encode_image(&image)?;
    Ok(out)
}

/// splitmix64's finaliser: a fixed, well-spread hash of a pixel's coordinates.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Where the last two entries of the first 8-bit quantisation table are: the two highest
/// frequencies, whose divisor changes the bytes of the file and barely its pixels.
pub fn variant_offset(jpeg: &[u8]) -> Result<usize, Error> {
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        // DQT: length, then one byte of precision (high nibble) and table id, then 64 entries.
        if marker == 0xDB && len >= 67 && jpeg.get(at + 4).is_some_and(|pq| pq >> 4 == 0) {
            return Ok(at + 4 + 1 + 62);
        }
        if marker == 0xDA {
            break;
        }
        at += 2 + len;
    }
    Err("no 8-bit quantisation table before the first scan".into())
}

/// Makes `bytes` variant `n` of the JPEG whose table is at `offset`: still a valid JPEG, of the
/// same size, whose bytes (and so SHA-256 and stored objects) differ from every other variant's,
/// for 65,025 variants.
pub fn set_variant(bytes: &mut [u8], offset: usize, n: u32) {
    // Divisors 1 to 255: zero would be an invalid table.
    bytes[offset] = (n % 255 + 1) as u8;
    bytes[offset + 1] = (n / 255 % 255 + 1) as u8;
}

/// The `Content-Type` of [`multipart`]'s body.
pub const MULTIPART_TYPE: &str = "multipart/form-data; boundary=bench-photo-boundary-5f0c3a";

/// The body of `POST /photos` with `jpeg` as the `file` field, as a browser's form sends it, and
/// where in it the file starts.
pub fn multipart(jpeg: &[u8]) -> (Vec<u8>, usize) {
    let boundary = MULTIPART_TYPE.rsplit('=').next().unwrap_or_default();
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
         filename=\"bench.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    let start = body.len();
    body.extend_from_slice(jpeg);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, start)
}

/// `POST /photos` of `jpeg` as `token`'s user.
pub fn upload_request(jpeg: &[u8], token: &str) -> Result<Req, Error> {
    let body = Bytes::from(multipart(jpeg).0);
    Req::post("/photos", HeaderValue::from_static(MULTIPART_TYPE), body).bearer(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_jpeg_has_about_the_size_asked_and_is_always_the_same() {
        let jpeg = about(100 * 1024).unwrap();
        let off = jpeg.bytes.len() as f64 / (100.0 * 1024.0);
        assert!((off - 1.0).abs() <= TOLERANCE, "{} bytes", jpeg.bytes.len());
        assert_eq!(about(100 * 1024).unwrap().bytes, jpeg.bytes);
    }

    #[test]
    fn variants_differ_in_their_bytes_and_still_decode() {
        let jpeg = about(20 * 1024).unwrap().bytes;
        let offset = variant_offset(&jpeg).unwrap();
        let (mut a, mut b) = (jpeg.clone(), jpeg.clone());
        set_variant(&mut a, offset, 0);
        set_variant(&mut b, offset, 300);
        assert_ne!(a, b);
        assert_eq!(a.len(), jpeg.len());
        for bytes in [a, b] {
            image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap();
        }
    }

    #[test]
    fn the_upload_body_is_one_file_field() {
        let (body, start) = multipart(b"\xFF\xD8\xFFjpeg");
        assert_eq!(&body[start..start + 7], b"\xFF\xD8\xFFjpeg");
        let body = String::from_utf8_lossy(&body);
        assert!(body.starts_with("--bench-photo-boundary-5f0c3a\r\n"));
        assert!(body.contains("name=\"file\""));
        assert!(body.ends_with("\r\n--bench-photo-boundary-5f0c3a--\r\n"));
    }
}
