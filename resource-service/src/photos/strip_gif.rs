//! GIF metadata removal: a walk over the GIF blocks that drops comment, plain-text and
//! application extensions (XMP travels in one), keeping only the looping extensions browsers
//! read. Written by hand because no maintained crate rewrites a GIF's blocks without decoding and
//! re-encoding its frames; the image data is copied byte for byte.

use super::strip::Malformed;

const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const TRAILER: u8 = 0x3B;
const GRAPHIC_CONTROL: u8 = 0xF9;
const APPLICATION: u8 = 0xFF;

/// The GIF without comment, plain-text and application extensions other than looping ones, and
/// without anything after its trailer.
pub fn strip(input: &[u8]) -> Result<Vec<u8>, Malformed> {
    if !(input.starts_with(b"GIF87a") || input.starts_with(b"GIF89a")) {
        return Err(Malformed);
    }
    let byte = |at: usize| input.get(at).copied().ok_or(Malformed);
    // Header (6) and logical screen descriptor (7), then the global colour table if flagged.
    let mut pos = 13 + colour_table_len(byte(10)?);
    if pos > input.len() {
        return Err(Malformed);
    }
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..pos]);
    loop {
        // A GIF that simply ends where its trailer should be is common; it gets one.
        if pos == input.len() {
            out.push(TRAILER);
            return Ok(out);
        }
        let start = pos;
        match byte(pos)? {
            TRAILER => {
                out.push(TRAILER);
                return Ok(out);
            }
            IMAGE => {
                // Image descriptor (10), local colour table, LZW minimum code size, data.
                pos += 10 + colour_table_len(byte(pos + 9)?) + 1;
                pos = skip_sub_blocks(input, pos)?;
                out.extend_from_slice(&input[start..pos]);
            }
            EXTENSION => {
                let label = byte(pos + 1)?;
                pos = skip_sub_blocks(input, pos + 2)?;
                let keep = label == GRAPHIC_CONTROL
                    || (label == APPLICATION && is_looping(&input[start + 2..pos]));
                if keep {
                    out.extend_from_slice(&input[start..pos]);
                }
            }
            _ => return Err(Malformed),
        }
    }
}

/// Bytes of the colour table a packed-fields byte announces (none when its top bit is clear).
fn colour_table_len(flags: u8) -> usize {
    if flags & 0x80 == 0 {
        0
    } else {
        3 << ((flags & 0x07) + 1)
    }
}

/// The position after the sub-blocks starting at `pos` (each a length byte and that many bytes,
/// ended by a zero length).
fn skip_sub_blocks(input: &[u8], mut pos: usize) -> Result<usize, Malformed> {
    loop {
        let size = usize::from(*input.get(pos).ok_or(Malformed)?);
        pos += 1 + size;
        if size == 0 {
            return Ok(pos);
        }
        if pos > input.len() {
            return Err(Malformed);
        }
    }
}

/// The application extension's sub-blocks name the Netscape or AnimExts looping extension.
fn is_looping(blocks: &[u8]) -> bool {
    blocks.starts_with(b"\x0BNETSCAPE2.0") || blocks.starts_with(b"\x0BANIMEXTS1.0")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00";
    const CONTROL: &[u8] = b"!\xf9\x04\x01\x00\x00\x00\x00";
    const FRAME: &[u8] = b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00";
    const LOOP: &[u8] = b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00";

    #[test]
    fn comments_and_foreign_application_blocks_go() {
        let comment = b"!\xfe\x0eshot in Berlin\x00";
        let xmp = b"!\xff\x0bXMP DataXMP\x05<x:x>\x00";
        let input = [HEAD, LOOP, comment, xmp, CONTROL, FRAME, b";trailing"].concat();
        let expected = [HEAD, LOOP, CONTROL, FRAME, b";"].concat();
        assert_eq!(strip(&input).unwrap(), expected);
        assert_eq!(strip(&expected).unwrap(), expected);
    }

    #[test]
    fn garbage_after_the_header_is_malformed() {
        let cases: [&[u8]; 3] = [
            b"GIF89a",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00garbage that is no block",
            &[HEAD, b"!\xfe\x40too short"].concat(),
        ];
        for input in cases {
            assert!(strip(input).is_err(), "{input:?}");
        }
    }
}
