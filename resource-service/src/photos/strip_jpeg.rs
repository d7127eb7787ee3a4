//! JPEG metadata removal: a walk over the marker stream that copies only the segments a decoder
//! needs and the scans (docs/SECURITY.md, "Photo metadata").
//!
//! Written by hand rather than with `img-parts`: that crate keeps everything from the first scan
//! to the end of the file as one opaque "entropy" block, so it cannot drop APPn or COM segments
//! between the scans of a progressive JPEG, nor what follows the end-of-image marker (where the
//! Multi-Picture Format appends further images, each with its own EXIF). The scans themselves are
//! copied byte for byte: no pixel is decoded or re-encoded.
//!
//! One EXIF field survives: the orientation. Phones store a portrait photo as landscape pixels
//! plus "rotate 90°", and browsers honour it; without it every such photo would show on its side.
//! It goes back as a minimal EXIF segment holding that one tag and nothing else.

use super::strip::Malformed;
use std::ops::Range;

const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;

/// The JFIF segment's fixed part: identifier, version, units, densities, and the thumbnail's
/// width and height, which the stripped file sets to zero.
const JFIF_HEADER: usize = 14;

/// What becomes of a segment with a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    Whole,
    /// The JFIF segment without its thumbnail.
    Jfif,
    Dropped,
}

/// An allowlist: frame headers, Huffman, arithmetic-coding and quantisation tables, the restart
/// interval, the number of lines and scans stay, and of the application segments only what
/// decides how the pixels look: JFIF (without its thumbnail, which is a picture of its own),
/// ICC_PROFILE (colour) and Adobe APP14 (how CMYK/YCCK samples are transformed). Everything else
/// goes: EXIF, XMP, IPTC, MPF and maker data, comments, JFXX (nothing but thumbnails), and the
/// JPG, JPGn, hierarchical and reserved markers, which can carry any bytes and which no decoder
/// here reads.
fn keep(marker: u8, contents: &[u8]) -> Kept {
    match marker {
        0xC0..=0xC7 | 0xC9..=0xCF | SOS | 0xDB..=0xDD => Kept::Whole,
        0xE0 if contents.starts_with(b"JFIF\0") && contents.len() >= JFIF_HEADER => Kept::Jfif,
        0xE2 if contents.starts_with(b"ICC_PROFILE\0") => Kept::Whole,
        0xEE if contents.starts_with(b"Adobe") => Kept::Whole,
        _ => Kept::Dropped,
    }
}

/// A part of the input that goes into the stripped file.
struct Piece {
    range: Range<usize>,
    /// The fixed part of a JFIF segment, whose length and thumbnail size are rewritten.
    jfif: bool,
}

impl From<Range<usize>> for Piece {
    fn from(range: Range<usize>) -> Self {
        Piece { range, jfif: false }
    }
}

/// The orientation (1 to 8) an EXIF segment's first image directory gives, if any.
fn exif_orientation(contents: &[u8]) -> Option<u16> {
    let tiff = contents.strip_prefix(b"Exif\0\0")?;
    let big_endian = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let bytes = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        })
    };
    let u32_at = |at: usize| -> Option<usize> {
        let bytes = [
            *tiff.get(at)?,
            *tiff.get(at + 1)?,
            *tiff.get(at + 2)?,
            *tiff.get(at + 3)?,
        ];
        let value = if big_endian {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        };
        usize::try_from(value).ok()
    };
    let directory = u32_at(4)?;
    let entries = usize::from(u16_at(directory)?);
    (0..entries)
        .map(|i| directory + 2 + 12 * i)
        .find(|&entry| u16_at(entry) == Some(ORIENTATION_TAG))
        // Type SHORT (3), one value, held in the first two bytes of the value field.
        .filter(|&entry| u16_at(entry + 2) == Some(3))
        .and_then(|entry| u16_at(entry + 8))
        .filter(|value| (1..=8).contains(value))
}

const ORIENTATION_TAG: u16 = 0x0112;

/// An APP1 segment with an EXIF block that holds the orientation and nothing else.
fn orientation_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2A\0\0\0\x08"); // big endian, first directory at 8
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&ORIENTATION_TAG.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // the value field's padding
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no further directory
    let contents = [&b"Exif\0\0"[..], &tiff].concat();
    let length = (contents.len() + 2) as u16; // 34: always fits
    [&[0xFF, 0xE1][..], &length.to_be_bytes(), &contents].concat()
}

/// The JPEG without its metadata segments and without anything after its end-of-image marker;
/// an EXIF orientation other than "as stored" is kept (see the module comment).
#[cfg(test)]
pub fn strip(input: &[u8]) -> Result<Vec<u8>, Malformed> {
    strip_in_place(input.to_vec())
}

/// [`strip`], moving the kept bytes down within `bytes` itself: a photo is never held twice
/// (docs/PHOTOS.md, Memory).
pub fn strip_in_place(mut bytes: Vec<u8>) -> Result<Vec<u8>, Malformed> {
    let mut orientation = None;
    let pieces = kept_pieces(&bytes, &mut orientation)?;
    let mut len = 0;
    for Piece { range, jfif } in pieces {
        // Pieces come in order and only bytes are dropped: each lands at or before its place.
        let part = range.len();
        bytes.copy_within(range, len);
        if jfif {
            // The segment's length (its length field and fixed part), and no thumbnail.
            let length = (JFIF_HEADER + 2) as u16;
            bytes[len + 2..len + 4].copy_from_slice(&length.to_be_bytes());
            bytes[len + 4 + JFIF_HEADER - 2..len + 4 + JFIF_HEADER].fill(0);
        }
        len += part;
    }
    bytes.truncate(len);
    if let Some(value) = orientation.filter(|&value| value != 1) {
        // Right after the start-of-image marker, where readers look for EXIF first. The EXIF
        // segment that held the orientation was larger and is gone, so this needs no new room.
        bytes.splice(2..2, orientation_segment(value));
    }
    Ok(bytes)
}

/// The pieces of `input` that make the stripped file, in order. Each is a marker with its
/// segment (fill bytes before it dropped), a JFIF segment's fixed part, or a scan's
/// entropy-coded data.
fn kept_pieces(input: &[u8], orientation: &mut Option<u16>) -> Result<Vec<Piece>, Malformed> {
    if !input.starts_with(&[0xFF, 0xD8]) {
        return Err(Malformed);
    }
    let byte = |at: usize| input.get(at).copied().ok_or(Malformed);
    let mut out: Vec<Piece> = Vec::new();
    out.push((0..2).into());
    let mut pos = 2;
    loop {
        if byte(pos)? != 0xFF {
            return Err(Malformed);
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while byte(pos + 1)? == 0xFF {
            pos += 1;
        }
        let marker = byte(pos + 1)?;
        pos += 2;
        match marker {
            EOI => {
                out.push((pos - 2..pos).into());
                return Ok(out);
            }
            // Markers without a length: TEM and the restart markers.
            0x01 | 0xD0..=0xD7 => {
                out.push((pos - 2..pos).into());
                continue;
            }
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([byte(pos)?, byte(pos + 1)?]));
        let end = pos
            .checked_add(length)
            .filter(|&end| length >= 2 && end <= input.len())
            .ok_or(Malformed)?;
        let contents = &input[pos + 2..end];
        if marker == 0xE1 && orientation.is_none() {
            *orientation = exif_orientation(contents);
        }
        // `pos - 2` is the 0xFF right before the marker: any fill bytes before it are dropped.
        match keep(marker, contents) {
            Kept::Whole => out.push((pos - 2..end).into()),
            Kept::Jfif => out.push(Piece {
                range: pos - 2..pos + 2 + JFIF_HEADER,
                jfif: true,
            }),
            Kept::Dropped => {}
        }
        pos = end;
        if marker == SOS {
            let scan_end = entropy_end(input, pos)?;
            out.push((pos..scan_end).into());
            pos = scan_end;
        }
    }
}

/// Where the entropy-coded data starting at `pos` ends: at the first 0xFF that is neither a
/// stuffed zero (`FF 00`), a restart marker (`FF D0`..`FF D7`) nor a fill byte.
fn entropy_end(input: &[u8], mut pos: usize) -> Result<usize, Malformed> {
    loop {
        let ff = input[pos..]
            .iter()
            .position(|&b| b == 0xFF)
            .map(|offset| pos + offset)
            .ok_or(Malformed)?;
        match input.get(ff + 1) {
            Some(0x00 | 0xD0..=0xD7) => pos = ff + 2,
            Some(0xFF) => pos = ff + 1,
            Some(_) => return Ok(ff),
            None => return Err(Malformed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, contents: &[u8]) -> Vec<u8> {
        let length = u16::try_from(contents.len() + 2).unwrap().to_be_bytes();
        [&[0xFF, marker][..], &length, contents].concat()
    }

    #[test]
    fn metadata_segments_go_and_the_rest_stays_byte_for_byte() {
        let jfif = segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let icc = segment(0xE2, b"ICC_PROFILE\0\x01\x01profile");
        let dqt = segment(0xDB, &[0; 65]);
        let sos = segment(SOS, &[1, 1, 0, 0, 0x3F, 0]);
        let scan = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56];
        let kept = [
            &[0xFF, 0xD8][..],
            &jfif,
            &icc,
            &dqt,
            &sos,
            &scan,
            &[0xFF, 0xD9],
        ]
        .concat();
        let exif = segment(0xE1, b"Exif\0\0MM\0*GPS here");
        let xmp = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>");
        let iptc = segment(0xED, b"Photoshop 3.0\0IPTC");
        let comment = segment(0xFE, b"shot at 52.5N 13.4E");
        let between_scans = segment(0xFE, b"a comment between scans");
        let input = [
            &[0xFF, 0xD8][..],
            &jfif,
            &exif,
            &icc,
            &xmp,
            &iptc,
            &dqt,
            &comment,
            &sos,
            &scan,
            &between_scans,
            &[0xFF, 0xD9],
            b"MPF second image with its own Exif",
        ]
        .concat();
        assert_eq!(strip(&input).unwrap(), kept);
        assert_eq!(strip(&kept).unwrap(), kept);
    }

    #[test]
    fn jfif_thumbnails_jfxx_and_reserved_markers_go() {
        let jfif = |thumbnail: &[u8], size: [u8; 2]| {
            let header = [&b"JFIF\0\x01\x02\x01\0\x48\0\x48"[..], &size, thumbnail].concat();
            segment(0xE0, &header)
        };
        let body = [
            segment(0xDB, &[0; 65]),
            segment(SOS, &[1, 1, 0, 0, 0x3F, 0]),
            vec![0x12, 0x34, 0xFF, 0xD9],
        ]
        .concat();
        let input = [
            &[0xFF, 0xD8][..],
            &jfif(b"RGBrgb", [2, 1]),
            &segment(0xE0, b"JFXX\0\x13thumbnail bytes"),
            &segment(0xF0, b"JPG0 can carry anything"),
            &segment(0x4A, b"so can a reserved marker"),
            &segment(0xC8, b"and JPG"),
            &segment(0xDE, b"and DHP"),
            &body,
        ]
        .concat();
        let expected = [&[0xFF, 0xD8][..], &jfif(b"", [0, 0]), &body].concat();
        assert_eq!(strip(&input).unwrap(), expected);
        assert_eq!(strip(&expected).unwrap(), expected);
    }

    /// A little-endian EXIF block with a GPS pointer and the orientation, as cameras write it.
    fn camera_exif(orientation: u16) -> Vec<u8> {
        let mut tiff = b"II\x2A\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&2u16.to_le_bytes());
        // GPSInfo (0x8825), LONG, pointing at a GPS directory (content irrelevant here).
        tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 0x40, 0, 0, 0]);
        tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        tiff.extend_from_slice(b"GPS 52.5N 13.4E");
        segment(0xE1, &[&b"Exif\0\0"[..], &tiff].concat())
    }

    #[test]
    fn the_orientation_survives_alone_and_the_rest_of_the_exif_goes() {
        let body = [
            segment(0xDB, &[0; 65]),
            segment(SOS, &[1, 1, 0, 0, 0x3F, 0]),
            vec![0x12, 0x34, 0xFF, 0xD9],
        ]
        .concat();
        let rotated = [&[0xFF, 0xD8][..], &camera_exif(6), &body].concat();
        let stripped = strip(&rotated).unwrap();
        assert!(
            !stripped.windows(3).any(|w| w == b"GPS"),
            "the GPS data is gone"
        );
        assert_eq!(
            stripped,
            [&[0xFF, 0xD8][..], &orientation_segment(6), &body].concat()
        );
        // Read back by the same parser, and stable when stripped again.
        assert_eq!(exif_orientation(&orientation_segment(6)[4..]), Some(6));
        assert_eq!(strip(&stripped).unwrap(), stripped);
        // "As stored" needs no segment at all.
        let upright = [&[0xFF, 0xD8][..], &camera_exif(1), &body].concat();
        assert_eq!(
            strip(&upright).unwrap(),
            [&[0xFF, 0xD8][..], &body].concat()
        );
    }

    #[test]
    fn truncated_or_garbled_streams_are_malformed() {
        let cases: [&[u8]; 5] = [
            b"\xFF\xD8",
            b"\xFF\xD8\xFFgarbage follows the magic number",
            b"\xFF\xD8\xFF\xE1\xFF\xFFshort",
            b"\xFF\xD8\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00no end of image",
            b"\xFF\xD8\x00\x00",
        ];
        for input in cases {
            assert!(strip(input).is_err(), "{input:?}");
        }
    }
}
