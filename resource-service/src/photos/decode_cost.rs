//! What preparing an upload will hold in memory, read from its header before any pixel is
//! decoded (docs/PHOTOS.md, Memory): the file and its stripped copy, the decoder's buffers, the
//! pixels. The decode reserves this much of the decode budget (`decode_budget.rs`) and the
//! decoder is held to it (`image::Limits`, `jpeg-decoder`'s buffer cap), so an estimate that
//! fell short would fail the decode, not overrun the budget.
//!
//! A JPEG's header is read here by hand, like `strip_jpeg.rs` walks its markers: the sampling
//! factors and the coding process decide what `jpeg-decoder` allocates (a progressive JPEG
//! keeps every coefficient of the image, two bytes each), and neither crate tells them.

use super::image_check::{check_dimensions, format_of, limits, refusal, THUMBNAIL_SCALE_SIDE};
use super::PhotoError;
use crate::domain::ImageType;
use image::{ImageDecoder, ImageReader};
use std::io::{BufRead, Read, Seek, SeekFrom};

/// The decoders' own state, the thumbnail and what the estimates below leave out.
const OVERHEAD: u64 = 4 * 1024 * 1024;

/// The bytes preparing a file of `file_len` bytes, whose header `reader` starts with, will hold
/// at most. A header past the dimension bounds is refused here, before anything is reserved.
pub fn decode_cost<R: BufRead + Seek>(
    image: ImageType,
    reader: R,
    file_len: u64,
) -> Result<u64, PhotoError> {
    let pixels = match image {
        ImageType::Jpeg => jpeg_cost(reader)?,
        ImageType::Png | ImageType::Gif | ImageType::Webp => {
            let mut reader = ImageReader::with_format(reader, format_of(image));
            reader.limits(limits(u64::MAX));
            let decoder = reader.into_decoder().map_err(refusal)?;
            let (width, height) = decoder.dimensions();
            check_dimensions(width, height)?;
            // The PNG decoder writes rows straight into the image; the GIF and WebP decoders
            // hold a frame or their planes beside it.
            let copies = if image == ImageType::Png { 1 } else { 2 };
            decoder.total_bytes().saturating_mul(copies)
        }
    };
    // The file read back and its stripped copy.
    Ok(pixels
        .saturating_add(file_len.saturating_mul(2))
        .saturating_add(OVERHEAD))
}

/// What a JPEG's frame header (SOFn) says.
struct Frame {
    marker: u8,
    precision: u8,
    width: u64,
    height: u64,
    /// Each component's horizontal and vertical sampling factors.
    sampling: Vec<(u64, u64)>,
}

fn jpeg_cost(reader: impl Read + Seek) -> Result<u64, PhotoError> {
    let frame = read_frame(reader)?;
    let (width, height) = (frame.width, frame.height);
    check_dimensions(
        u32::try_from(width).unwrap_or(u32::MAX),
        u32::try_from(height).unwrap_or(u32::MAX),
    )?;
    let components = frame.sampling.len() as u64;
    let pixels = width * height;
    // Decoded in full by `image` (`jpeg_scaled.rs` says which): its planes, the RGB pixels, and
    // a turned copy of them.
    if components == 4 || frame.precision > 8 {
        return Ok(pixels * (components * 2 + 3 + 3));
    }
    let lossless = matches!(frame.marker, 0xC3 | 0xC7 | 0xCB | 0xCF);
    if lossless {
        return Ok(pixels * components * 2 * 3);
    }
    let h_max = frame.sampling.iter().map(|s| s.0).max().unwrap_or(1);
    let v_max = frame.sampling.iter().map(|s| s.1).max().unwrap_or(1);
    let mcu_cols = width.div_ceil(8 * h_max);
    let mcu_rows = height.div_ceil(8 * v_max);
    // `jpeg-decoder` picks the scale (in eighths) as `jpeg_scaled.rs` asks it to.
    let side = THUMBNAIL_SCALE_SIDE;
    let scale = [1, 2, 4]
        .into_iter()
        .find(|&k| (width * k).div_ceil(8) >= side || (height * k).div_ceil(8) >= side)
        .unwrap_or(8);
    let blocks = |&(h, v): &(u64, u64)| (mcu_cols * h) * (mcu_rows * v);
    let planes: u64 = frame
        .sampling
        .iter()
        .map(|s| blocks(s) * scale * scale)
        .sum();
    let output = (width * scale).div_ceil(8) * (height * scale).div_ceil(8) * components;
    let progressive = matches!(frame.marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
    let coefficients = if progressive {
        frame.sampling.iter().map(|s| blocks(s) * 64 * 2).sum()
    } else {
        0
    };
    // The output, and its turned copy.
    Ok(coefficients + planes + output * 2)
}

/// The first frame header, found by walking the segments from the start of the file.
fn read_frame(mut reader: impl Read + Seek) -> Result<Frame, PhotoError> {
    if read_array(&mut reader)? != [0xFF, 0xD8] {
        return Err(PhotoError::NotAnImage);
    }
    loop {
        let [fill, mut marker] = read_array(&mut reader)?;
        if fill != 0xFF {
            return Err(PhotoError::NotAnImage);
        }
        while marker == 0xFF {
            [marker] = read_array(&mut reader)?;
        }
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            // A scan or the end before any frame header.
            0xDA | 0xD9 => return Err(PhotoError::NotAnImage),
            _ => {}
        }
        let length = u16::from_be_bytes(read_array(&mut reader)?);
        let contents = length.checked_sub(2).ok_or(PhotoError::NotAnImage)?;
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if !is_frame {
            reader
                .seek(SeekFrom::Current(i64::from(contents)))
                .map_err(|_| PhotoError::NotAnImage)?;
            continue;
        }
        let mut header = vec![0u8; usize::from(contents)];
        reader
            .read_exact(&mut header)
            .map_err(|_| PhotoError::NotAnImage)?;
        return parse_frame(marker, &header).ok_or(PhotoError::NotAnImage);
    }
}

fn read_array<const N: usize>(reader: &mut impl Read) -> Result<[u8; N], PhotoError> {
    let mut bytes = [0u8; N];
    reader
        .read_exact(&mut bytes)
        .map_err(|_| PhotoError::NotAnImage)?;
    Ok(bytes)
}

fn parse_frame(marker: u8, header: &[u8]) -> Option<Frame> {
    let precision = *header.first()?;
    let height = u64::from(u16::from_be_bytes([*header.get(1)?, *header.get(2)?]));
    let width = u64::from(u16::from_be_bytes([*header.get(3)?, *header.get(4)?]));
    let count = usize::from(*header.get(5)?);
    let sampling = (0..count)
        .map(|i| {
            let factors = *header.get(6 + 3 * i + 1)?;
            let (h, v) = (u64::from(factors >> 4), u64::from(factors & 0x0F));
            (1..=4)
                .contains(&h)
                .then_some(())
                .filter(|()| (1..=4).contains(&v))
                .map(|()| (h, v))
        })
        .collect::<Option<Vec<_>>>()?;
    (!sampling.is_empty()).then_some(Frame {
        marker,
        precision,
        width,
        height,
        sampling,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ExtendedColorType, ImageEncoder};
    use std::io::Cursor;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let pixels = vec![128u8; (width * height * 3) as usize];
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
            .unwrap();
        jpeg
    }

    /// `jpeg` with its baseline frame header marked progressive: only the header is read here.
    fn as_progressive(mut jpeg: Vec<u8>) -> Vec<u8> {
        let at = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[at + 1] = 0xC2;
        jpeg
    }

    fn cost(image: ImageType, bytes: &[u8]) -> Result<u64, PhotoError> {
        decode_cost(image, Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn a_png_costs_its_pixels_and_a_progressive_jpeg_its_coefficients() {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(
                &vec![0; 1000 * 500 * 4],
                1000,
                500,
                ExtendedColorType::Rgba8,
            )
            .unwrap();
        let file = png.len() as u64 * 2 + OVERHEAD;
        assert_eq!(cost(ImageType::Png, &png).unwrap(), 1000 * 500 * 4 + file);

        let baseline = jpeg(4000, 3000);
        let scaled = cost(ImageType::Jpeg, &baseline).unwrap();
        let file = baseline.len() as u64 * 2 + OVERHEAD;
        assert!(scaled - file < 4000 * 3000 / 4, "decoded at 1/8: {scaled}");
        let progressive = as_progressive(baseline);
        let full = cost(ImageType::Jpeg, &progressive).unwrap() - file;
        // 4:2:0 sampling: one luma and two quarter-size chroma planes of two-byte coefficients.
        assert!(full >= 4000 * 3000 * 3, "{full}");
    }

    #[test]
    fn a_header_past_the_bounds_or_without_a_frame_costs_nothing_and_is_refused() {
        let mut bomb = jpeg(16, 16);
        let at = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bomb[at + 5..at + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
        assert!(matches!(
            cost(ImageType::Jpeg, &bomb),
            Err(PhotoError::TooManyPixels { .. })
        ));
        let no_frame = b"\xFF\xD8\xFF\xFE\x00\x04hi\xFF\xDA\x00\x02";
        assert!(matches!(
            cost(ImageType::Jpeg, no_frame),
            Err(PhotoError::NotAnImage)
        ));
    }
}
