//! The small copy a photo grid shows (docs/PHOTOS.md, Thumbnails): at most 320 pixels on the
//! long side, upright, without metadata. JPEG for opaque photos, lossless WebP for those with
//! transparent pixels (JPEG has none).

use crate::domain::ImageType;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageError};

/// The long side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;

/// JPEG quality of thumbnails: small files, no visible blocks at grid size.
const JPEG_QUALITY: u8 = 80;

#[derive(Debug, Clone)]
pub struct Thumbnail {
    pub image: ImageType,
    pub bytes: Vec<u8>,
}

/// A thumbnail of `upright`; an image already small enough is encoded at its own size.
pub fn thumbnail_of(upright: &DynamicImage) -> Result<Thumbnail, ImageError> {
    let small = if upright.width().max(upright.height()) > THUMBNAIL_SIDE {
        upright.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        upright.clone()
    };
    let mut bytes = Vec::new();
    // An alpha channel that is opaque everywhere (a canvas export, say) needs none.
    let rgba = small.color().has_alpha().then(|| small.to_rgba8());
    if let Some(rgba) = rgba.filter(|rgba| rgba.pixels().any(|pixel| pixel[3] < u8::MAX)) {
        rgba.write_with_encoder(WebPEncoder::new_lossless(&mut bytes))?;
        Ok(Thumbnail {
            image: ImageType::Webp,
            bytes,
        })
    } else {
        small
            .to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))?;
        Ok(Thumbnail {
            image: ImageType::Jpeg,
            bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, Rgb, RgbImage, Rgba, RgbaImage};

    #[test]
    fn a_large_photo_shrinks_to_320_on_its_long_side_keeping_its_shape() {
        let photo = DynamicImage::ImageRgb8(RgbImage::from_pixel(1600, 900, Rgb([200, 10, 10])));
        let thumb = thumbnail_of(&photo).unwrap();
        assert_eq!(thumb.image, ImageType::Jpeg);
        let decoded = image::load_from_memory(&thumb.bytes).unwrap();
        assert_eq!(decoded.dimensions(), (320, 180));
    }

    #[test]
    fn a_small_photo_is_not_enlarged_and_transparency_makes_webp() {
        let photo = DynamicImage::ImageRgba8(RgbaImage::from_pixel(40, 90, Rgba([0, 0, 0, 0])));
        let thumb = thumbnail_of(&photo).unwrap();
        assert_eq!(thumb.image, ImageType::Webp);
        let decoded = image::load_from_memory(&thumb.bytes).unwrap();
        assert_eq!(decoded.dimensions(), (40, 90));
        assert_eq!(
            decoded.to_rgba8().get_pixel(0, 0)[3],
            0,
            "transparency kept"
        );
    }

    #[test]
    fn an_alpha_channel_opaque_everywhere_makes_a_jpeg() {
        let photo = DynamicImage::ImageRgba8(RgbaImage::from_pixel(40, 90, Rgba([9, 9, 9, 255])));
        assert_eq!(thumbnail_of(&photo).unwrap().image, ImageType::Jpeg);
    }
}
