//! What an upload must be before it is stored (docs/API.md, "Upload rules"): an image that really
//! decodes as the format its first bytes claim, of bounded dimensions, stripped of its metadata.
//! CPU-bound: it runs on the photo threads (`workers.rs`), never on an async worker.

use super::jpeg_scaled::{decode_scaled, ScaledDecode};
use super::thumbnail::THUMBNAIL_SIDE;
use super::PhotoError;
use crate::domain::ImageType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The most pixels a photo may have (50 megapixels).
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side a photo may have, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// The long side a JPEG is decoded to at least (`jpeg_scaled.rs`), as `decode_cost.rs` needs it.
pub(super) const THUMBNAIL_SCALE_SIDE: u64 = THUMBNAIL_SIDE as u64;

/// An upload that decoded completely: its size and its pixels, turned upright as its EXIF
/// orientation says (what a thumbnail is made from). A JPEG's pixels are decoded at a reduced
/// scale (`jpeg_scaled.rs`), still at least a thumbnail's size on the long side.
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    pub upright: DynamicImage,
}

impl std::fmt::Debug for Decoded {
    /// Without the pixels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Decoded({}x{})", self.width, self.height)
    }
}

/// Decodes `bytes` as `image` within the limits above, the decoder allocating at most
/// `max_alloc` bytes (what the decode reserved: `decode_cost.rs`): the header's dimensions are
/// checked before a single pixel is expanded, so a decompression bomb costs nothing.
pub fn decode_check(image: ImageType, bytes: &[u8], max_alloc: u64) -> Result<Decoded, PhotoError> {
    if image == ImageType::Jpeg {
        // Decoded at a reduced scale, in place; a JPEG this path cannot convert (16-bit grey,
        // CMYK) takes the full decode below.
        let side = THUMBNAIL_SIDE as u16;
        let max_buffer = usize::try_from(max_alloc).unwrap_or(usize::MAX);
        match decode_scaled(bytes, side, max_buffer, check_dimensions)? {
            Ok(jpeg) => {
                return Ok(Decoded {
                    width: jpeg.width,
                    height: jpeg.height,
                    upright: jpeg.image,
                })
            }
            Err(ScaledDecode::Broken) => return Err(PhotoError::NotAnImage),
            Err(ScaledDecode::Unsupported) => {}
        }
    }
    let (width, height) = reader(image, bytes, max_alloc)
        .into_dimensions()
        .map_err(refusal)?;
    check_dimensions(width, height)?;
    let mut decoder = reader(image, bytes, max_alloc)
        .into_decoder()
        .map_err(refusal)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut upright = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    upright.apply_orientation(orientation);
    Ok(Decoded {
        width,
        height,
        upright,
    })
}

/// The bounds above, from the header's dimensions alone.
pub(super) fn check_dimensions(width: u32, height: u32) -> Result<(), PhotoError> {
    let pixels = u64::from(width) * u64::from(height);
    if width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS {
        return Err(too_large());
    }
    if pixels == 0 {
        return Err(PhotoError::NotAnImage);
    }
    Ok(())
}

fn reader(image: ImageType, bytes: &[u8], max_alloc: u64) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format_of(image));
    reader.limits(limits(max_alloc));
    reader
}

pub(super) fn format_of(image: ImageType) -> ImageFormat {
    match image {
        ImageType::Jpeg => ImageFormat::Jpeg,
        ImageType::Png => ImageFormat::Png,
        ImageType::Gif => ImageFormat::Gif,
        ImageType::Webp => ImageFormat::WebP,
    }
}

/// The decoder's limits: the side bounds above, and `max_alloc` bytes in all.
pub(super) fn limits(max_alloc: u64) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(max_alloc);
    limits
}

fn too_large() -> PhotoError {
    PhotoError::TooManyPixels {
        max_pixels: MAX_PIXELS,
        max_side: MAX_SIDE,
    }
}

/// A decoder stopped by the limits found an image too large; any other failure means the bytes
/// are not the image their signature claims.
pub(super) fn refusal(error: ImageError) -> PhotoError {
    match error {
        ImageError::Limits(_) => too_large(),
        _ => PhotoError::NotAnImage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photos::strip_metadata;
    use image::{ExtendedColorType, ImageEncoder};
    use std::time::Instant;

    /// A real 1x1 PNG whose header then claims `width` x `height`.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut real = Vec::new();
        image::codecs::png::PngEncoder::new(&mut real)
            .write_image(&[1, 2, 3], 1, 1, ExtendedColorType::Rgb8)
            .unwrap();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut png = img_parts::png::Png::from_bytes(real.into()).unwrap();
        png.chunks_mut()[0] = img_parts::png::PngChunk::new(*b"IHDR", ihdr.into());
        png.encoder().bytes().to_vec()
    }

    #[test]
    fn a_header_declaring_too_many_pixels_is_refused_without_decoding() {
        for (width, height) in [(100_000, 100_000), (MAX_SIDE + 1, 1), (10_000, 5_001)] {
            let result = decode_check(ImageType::Png, &png_header(width, height), 1 << 28);
            assert!(
                matches!(result, Err(PhotoError::TooManyPixels { .. })),
                "{width}x{height}: {result:?}"
            );
        }
    }

    #[test]
    fn a_header_within_bounds_without_pixel_data_does_not_decode() {
        let result = decode_check(ImageType::Png, &png_header(100, 100), 1 << 28);
        assert!(matches!(result, Err(PhotoError::NotAnImage)), "{result:?}");
    }

    /// The cost figure of docs/API.md: `cargo test -p resource-service --lib -- --ignored
    /// decode_check_cost --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn decode_check_cost_of_a_5_mib_jpeg() {
        let (width, height) = (2200u32, 1500u32);
        let pixels: Vec<u8> = (0..width * height * 3)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
            .unwrap();
        let started = Instant::now();
        let stripped = strip_metadata(ImageType::Jpeg, jpeg.clone()).unwrap();
        let strip = started.elapsed();
        let started = Instant::now();
        decode_check(ImageType::Jpeg, &stripped, 1 << 28).unwrap();
        let decode = started.elapsed();
        // For comparison: the full-size decode the check used before (zune-jpeg, in `image`).
        let started = Instant::now();
        let full = reader(ImageType::Jpeg, &stripped, 1 << 28)
            .decode()
            .unwrap();
        let full_decode = started.elapsed();
        let started = Instant::now();
        super::super::thumbnail::thumbnail_of(&full).unwrap();
        let thumbnail = started.elapsed();
        println!(
            "{} bytes, {width}x{height}: strip {strip:?}, decode check at reduced scale \
             {decode:?}; full-size decode {full_decode:?}, thumbnail from it {thumbnail:?}",
            jpeg.len()
        );
    }
}
