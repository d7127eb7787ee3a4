//! A JPEG decoded at a reduced scale (docs/PHOTOS.md, Memory): the decoder's inverse DCT
//! produces 1/2, 1/4 or 1/8 of the pixels directly, so checking that a 12-megapixel photo decodes
//! and making its thumbnail never expands the 36 MB of its full-size pixels. Every coefficient is
//! still entropy-decoded, so a file that does not decode completely is refused all the same.

use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, RgbImage};
use jpeg_decoder::{Decoder, PixelFormat};

/// Why a scaled decode gave no image.
#[derive(Debug)]
pub enum ScaledDecode {
    /// The file does not decode: refuse it.
    Broken,
    /// A pixel format this path does not convert (16-bit grey, CMYK): decode it in full instead.
    Unsupported,
}

/// The JPEG's full size, its EXIF orientation, and its pixels at the smallest scale whose long
/// side is still at least `long_side` (or at full size, if smaller). `check` sees the full size
/// before a pixel is decoded and may refuse it; `max_buffer` caps what the decoder allocates.
/// Reads `bytes` in place: nothing is copied.
pub fn decode_scaled<E>(
    bytes: &[u8],
    long_side: u16,
    max_buffer: usize,
    check: impl FnOnce(u32, u32) -> Result<(), E>,
) -> Result<Result<ScaledJpeg, ScaledDecode>, E> {
    let mut decoder = Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(max_buffer);
    let Some(full) = decoder.read_info().ok().and_then(|()| decoder.info()) else {
        return Ok(Err(ScaledDecode::Broken));
    };
    check(u32::from(full.width), u32::from(full.height))?;
    if matches!(full.pixel_format, PixelFormat::L16 | PixelFormat::CMYK32) {
        return Ok(Err(ScaledDecode::Unsupported));
    }
    Ok(scaled(decoder, long_side).map(|image| ScaledJpeg {
        width: u32::from(full.width),
        height: u32::from(full.height),
        image,
    }))
}

/// A JPEG decoded at a reduced scale, with what its header says.
pub struct ScaledJpeg {
    pub width: u32,
    pub height: u32,
    /// Upright, as its EXIF orientation says.
    pub image: DynamicImage,
}

fn scaled(mut decoder: Decoder<&[u8]>, long_side: u16) -> Result<DynamicImage, ScaledDecode> {
    decoder
        .scale(long_side, long_side)
        .map_err(|_| ScaledDecode::Broken)?;
    let pixels = decoder.decode().map_err(|_| ScaledDecode::Broken)?;
    let info = decoder.info().ok_or(ScaledDecode::Broken)?;
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let mut image = match info.pixel_format {
        PixelFormat::RGB24 => {
            RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8)
        }
        PixelFormat::L8 => GrayImage::from_raw(width, height, pixels).map(DynamicImage::ImageLuma8),
        PixelFormat::L16 | PixelFormat::CMYK32 => return Err(ScaledDecode::Unsupported),
    }
    .ok_or(ScaledDecode::Broken)?;
    image.apply_orientation(orientation);
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ExtendedColorType, GenericImageView, ImageEncoder};

    fn decode(bytes: &[u8]) -> Result<ScaledJpeg, ScaledDecode> {
        decode_scaled(bytes, 320, 1 << 28, |_, _| Ok::<_, ()>(())).unwrap()
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
            .unwrap();
        jpeg
    }

    #[test]
    fn a_large_jpeg_comes_out_at_the_smallest_scale_still_covering_the_long_side() {
        let scaled = decode(&jpeg(2000, 1000)).unwrap();
        assert_eq!((scaled.width, scaled.height), (2000, 1000));
        assert_eq!(
            scaled.image.dimensions(),
            (500, 250),
            "1/4 is the smallest >= 320"
        );
        let small = decode(&jpeg(300, 200)).unwrap();
        assert_eq!(small.image.dimensions(), (300, 200), "never enlarged");
    }

    #[test]
    fn a_cut_off_jpeg_does_not_decode_at_any_scale() {
        let whole = jpeg(800, 600);
        let cut = &whole[..whole.len() / 2];
        assert!(matches!(decode(cut), Err(ScaledDecode::Broken)));
    }
}
