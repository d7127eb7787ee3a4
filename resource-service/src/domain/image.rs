/// The image formats we accept, recognised by their first bytes, never by a file name or a
/// client-sent content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl ImageType {
    /// Bytes needed to tell every accepted format apart (WebP's `RIFF....WEBP`).
    pub const SNIFF_BYTES: usize = 12;

    /// The format whose signature `bytes` starts with.
    pub fn sniff(bytes: &[u8]) -> Option<ImageType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageType::Png)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageType::Gif)
        } else if bytes.len() >= Self::SNIFF_BYTES
            && bytes.starts_with(b"RIFF")
            && &bytes[8..12] == b"WEBP"
        {
            Some(ImageType::Webp)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::Gif => "image/gif",
            ImageType::Webp => "image/webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_accepted_format_is_recognised() {
        let cases: [(&[u8], ImageType); 5] = [
            (b"\xFF\xD8\xFF\xE0\x00\x10JFIF", ImageType::Jpeg),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ImageType::Png),
            (b"GIF89a\x01\x00\x01\x00", ImageType::Gif),
            (b"GIF87a\x01\x00\x01\x00", ImageType::Gif),
            (b"RIFF\x24\x00\x00\x00WEBPVP8 ", ImageType::Webp),
        ];
        for (bytes, expected) in cases {
            assert_eq!(ImageType::sniff(bytes), Some(expected));
        }
    }

    #[test]
    fn other_content_is_not_an_image() {
        let cases: [&[u8]; 7] = [
            b"",
            b"hello, I am a text file named photo.png",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            b"%PDF-1.7",
            b"RIFF\x24\x00\x00\x00WAVEfmt ",
            b"\x89PNG",
            b"GIF8",
        ];
        for bytes in cases {
            assert_eq!(ImageType::sniff(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn mime_types_are_the_registered_ones() {
        assert_eq!(ImageType::Webp.mime(), "image/webp");
        assert_eq!(ImageType::Jpeg.mime(), "image/jpeg");
    }
}
