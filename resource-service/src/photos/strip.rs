//! Removing an upload's metadata without touching its pixels (docs/SECURITY.md, "Photo
//! metadata"): whole segments, chunks or blocks are dropped and the rest is copied as it was, so
//! the stored file decodes to exactly the pixels that were uploaded. PNG and WebP chunks are
//! handled with `img-parts`; JPEG and GIF need passes of their own (`strip_jpeg.rs`,
//! `strip_gif.rs` say why).
//!
//! What stays is what decides how the image looks: colour profiles (ICC), gamma and colour-space
//! chunks, transparency, animation control. Everything else goes, including chunks this code does
//! not know: an allowlist, so a new metadata chunk type is stripped too.

use super::{strip_gif, strip_jpeg};
use crate::domain::ImageType;
use img_parts::png::Png;
use img_parts::riff::{RiffChunk, RiffContent};
use img_parts::webp::{WebP, CHUNK_VP8X};
use img_parts::Bytes;

/// The container could not be parsed as the format its signature claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the image file is malformed")]
pub struct Malformed;

/// `bytes` without EXIF, XMP, IPTC, comments and text chunks.
pub fn strip_metadata(image: ImageType, bytes: Vec<u8>) -> Result<Vec<u8>, Malformed> {
    match image {
        ImageType::Jpeg => strip_jpeg::strip_in_place(bytes),
        ImageType::Gif => strip_gif::strip(&bytes),
        ImageType::Png => strip_png(bytes),
        ImageType::Webp => strip_webp(bytes),
    }
}

/// PNG chunks that describe pixels, colour or animation (APNG). Gone: tEXt, zTXt, iTXt, eXIf,
/// tIME, sPLT (a suggested palette: a free-text name and any number of entries, which no viewer
/// needs to show the image) and any private chunk.
const PNG_KEPT: [&[u8; 4]; 19] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"cICP",
    b"mDCv", b"cLLi", b"sBIT", b"bKGD", b"pHYs", b"hIST", b"acTL", b"fcTL", b"fdAT",
];

fn strip_png(bytes: Vec<u8>) -> Result<Vec<u8>, Malformed> {
    let mut png = Png::from_bytes(Bytes::from(bytes)).map_err(|_| Malformed)?;
    png.chunks_mut()
        .retain(|chunk| PNG_KEPT.contains(&&chunk.kind()));
    Ok(png.encoder().bytes().to_vec())
}

/// WebP chunks that carry the image: bitstreams, alpha, animation, colour profile. Gone: EXIF,
/// XMP and any unknown chunk.
const WEBP_KEPT: [&[u8; 4]; 7] = [
    b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];

/// The chunks an animation frame (ANMF) may hold after its 16-byte header; any other, which a
/// frame can carry as well as the file can, goes.
const ANMF_KEPT: [&[u8; 4]; 3] = [b"VP8 ", b"VP8L", b"ALPH"];

/// The frame's position, size, duration and flags, before its chunks.
const ANMF_HEADER: usize = 16;

/// The VP8X flags announcing EXIF and XMP chunks, which are gone.
const VP8X_METADATA_FLAGS: u8 = 0b0000_1100;

fn strip_webp(bytes: Vec<u8>) -> Result<Vec<u8>, Malformed> {
    let mut webp = WebP::from_bytes(Bytes::from(bytes)).map_err(|_| Malformed)?;
    let chunks = webp.chunks_mut();
    chunks.retain(|chunk| WEBP_KEPT.contains(&&chunk.id()));
    for chunk in chunks.iter_mut() {
        let id = chunk.id();
        if id == CHUNK_VP8X {
            let mut header = chunk.content().data().ok_or(Malformed)?.to_vec();
            let flags = header.first_mut().ok_or(Malformed)?;
            *flags &= !VP8X_METADATA_FLAGS;
            *chunk = RiffChunk::new(CHUNK_VP8X, RiffContent::Data(Bytes::from(header)));
        } else if &id == b"ANMF" {
            let frame = strip_frame(chunk.content().data().ok_or(Malformed)?)?;
            *chunk = RiffChunk::new(id, RiffContent::Data(Bytes::from(frame)));
        }
    }
    Ok(webp.encoder().bytes().to_vec())
}

/// An ANMF chunk's contents with only the chunks of [`ANMF_KEPT`]: its header, then chunks of a
/// four-byte id, a little-endian length and that many bytes, padded to an even length.
fn strip_frame(frame: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut out = frame.get(..ANMF_HEADER).ok_or(Malformed)?.to_vec();
    let mut rest = &frame[ANMF_HEADER..];
    while !rest.is_empty() {
        let head = rest.get(..8).ok_or(Malformed)?;
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let len = usize::try_from(len).map_err(|_| Malformed)?;
        let padded = len.checked_add(len % 2).ok_or(Malformed)?;
        let end = padded.checked_add(8).ok_or(Malformed)?;
        // The last chunk's padding may be missing.
        let chunk = rest
            .get(..end)
            .or_else(|| rest.get(..8 + len))
            .ok_or(Malformed)?;
        if ANMF_KEPT.iter().any(|kept| &head[..4] == *kept) {
            out.extend_from_slice(&chunk[..8 + len]);
            out.resize(out.len() + len % 2, 0);
        }
        rest = &rest[chunk.len()..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use img_parts::png::PngChunk;

    fn png_with(extra: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        let mut image = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new(&mut image);
        image::ImageEncoder::write_image(encoder, &[9, 8, 7], 1, 1, image::ExtendedColorType::Rgb8)
            .unwrap();
        let mut png = Png::from_bytes(Bytes::from(image)).unwrap();
        for (kind, contents) in extra {
            let chunk = PngChunk::new(**kind, Bytes::copy_from_slice(contents));
            png.chunks_mut().insert(1, chunk);
        }
        png.encoder().bytes().to_vec()
    }

    #[test]
    fn png_text_exif_and_time_chunks_go_colour_stays() {
        let clean = png_with(&[(b"gAMA", &[0, 0, 0xB1, 0x8F])]);
        let dirty = png_with(&[
            (b"gAMA", &[0, 0, 0xB1, 0x8F]),
            (b"tEXt", b"Comment\0shot in Berlin"),
            (b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"),
            (b"zTXt", b"Author\0\0x"),
            (b"eXIf", b"MM\0*GPS"),
            (b"tIME", &[7, 234, 11, 29, 12, 0, 0]),
            (b"prVt", b"private"),
            (b"sPLT", b"palette name\0\x08\x01\x02\x03\x04\x00\x05"),
        ]);
        assert_eq!(strip_metadata(ImageType::Png, dirty).unwrap(), clean);
        assert_eq!(
            strip_metadata(ImageType::Png, clean.clone()).unwrap(),
            clean
        );
    }

    #[test]
    fn webp_exif_and_xmp_chunks_go_and_their_flags_are_cleared() {
        let vp8l = b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00";
        let chunk = |id: &[u8; 4], data: &[u8]| {
            RiffChunk::new(*id, RiffContent::Data(Bytes::copy_from_slice(data)))
        };
        let riff = |chunks: Vec<RiffChunk>| {
            let list = RiffContent::List {
                kind: Some(*b"WEBP"),
                subchunks: chunks,
            };
            RiffChunk::new(*b"RIFF", list).encoder().bytes().to_vec()
        };
        let vp8x = |flags: u8| chunk(b"VP8X", &[flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let dirty = riff(vec![
            vp8x(0b0000_1100),
            chunk(b"VP8L", vp8l),
            chunk(b"EXIF", b"MM\0*GPS"),
            chunk(b"XMP ", b"<x:xmpmeta/>"),
        ]);
        let clean = riff(vec![vp8x(0), chunk(b"VP8L", vp8l)]);
        assert_eq!(strip_metadata(ImageType::Webp, dirty).unwrap(), clean);
    }

    #[test]
    fn chunks_inside_an_animation_frame_other_than_its_bitstream_go() {
        let sub = |id: &[u8; 4], data: &[u8]| {
            let mut chunk = [&id[..], &(data.len() as u32).to_le_bytes(), data].concat();
            chunk.resize(chunk.len() + data.len() % 2, 0);
            chunk
        };
        let header = [0u8; ANMF_HEADER];
        let vp8l = b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07";
        let dirty = [
            &header[..],
            &sub(b"XMP ", b"<x:xmpmeta/>"),
            &sub(b"ALPH", b"\0a"),
            &sub(b"prvt", b"secret"),
            &sub(b"VP8L", vp8l),
        ]
        .concat();
        let clean = [&header[..], &sub(b"ALPH", b"\0a"), &sub(b"VP8L", vp8l)].concat();
        assert_eq!(strip_frame(&dirty).unwrap(), clean);
        assert_eq!(strip_frame(&clean).unwrap(), clean);
        assert_eq!(
            strip_frame(&dirty[..20]),
            Err(Malformed),
            "a chunk cut short"
        );
    }

    #[test]
    fn a_signature_followed_by_garbage_is_malformed() {
        let cases = [
            (
                ImageType::Png,
                b"\x89PNG\r\n\x1a\ngarbage, no chunks".to_vec(),
            ),
            (ImageType::Webp, b"RIFF\x24\x00\x00\x00WEBPgarbage".to_vec()),
        ];
        for (image, bytes) in cases {
            assert_eq!(strip_metadata(image, bytes), Err(Malformed));
        }
    }
}
