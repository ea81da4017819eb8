//! Resize: fit images to a short side with `fast_image_resize` (SIMD, Lanczos3), never
//! enlarging.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

use crate::MediaError;

/// The size with the short side at most `short_side`, keeping the aspect ratio; never larger
/// than the original.
pub fn fit_short_side(width: u32, height: u32, short_side: u32) -> (u32, u32) {
    let short = width.min(height);
    if short <= short_side || short == 0 {
        return (width, height);
    }
    let scale = f64::from(short_side) / f64::from(short);
    let scaled = |side: u32| {
        if side == short { short_side } else { ((f64::from(side) * scale).round() as u32).max(1) }
    };
    (scaled(width), scaled(height))
}

/// The size fitting inside a `max`×`max` box, keeping the aspect ratio; never larger.
pub fn fit_inside(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max || long == 0 {
        return (width, height);
    }
    let scale = f64::from(max) / f64::from(long);
    let scaled = |side: u32| {
        if side == long { max } else { ((f64::from(side) * scale).round() as u32).max(1) }
    };
    (scaled(width), scaled(height))
}

/// Resizes RGB pixels to exactly `width`×`height`.
pub fn resize_rgb(image: &RgbImage, width: u32, height: u32) -> Result<RgbImage, MediaError> {
    if image.dimensions() == (width, height) {
        return Ok(image.clone());
    }
    let (src_width, src_height) = image.dimensions();
    let source = ImageRef::new(src_width, src_height, image.as_raw(), PixelType::U8x3)
        .map_err(|e| MediaError::corrupt(format!("bad pixel buffer: {e}")))?;
    let mut target = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| MediaError::corrupt(format!("resize failed: {e}")))?;
    RgbImage::from_raw(width, height, target.into_vec())
        .ok_or_else(|| MediaError::corrupt("resize produced a buffer of the wrong size"))
}

/// Resizes RGB pixels so the short side is at most `short_side`.
pub fn fit_rgb(image: &RgbImage, short_side: u32) -> Result<RgbImage, MediaError> {
    let (width, height) = fit_short_side(image.width(), image.height(), short_side);
    resize_rgb(image, width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_side_is_fitted_and_never_enlarged() {
        assert_eq!(fit_short_side(4000, 3000, 1440), (1920, 1440));
        assert_eq!(fit_short_side(3000, 4000, 250), (250, 333));
        assert_eq!(fit_short_side(200, 100, 250), (200, 100));
        assert_eq!(fit_short_side(100_000, 10, 5), (50_000, 5));
        assert_eq!(fit_inside(4000, 3000, 100), (100, 75));
        assert_eq!(fit_inside(50, 30, 100), (50, 30));
    }
}
