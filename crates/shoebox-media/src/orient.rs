//! Orient: turn decoded pixels upright according to EXIF orientation (1..=8) or a video's
//! clockwise rotation, using the `image` crate's exact (lossless) flips and rotations.

use image::RgbImage;
use image::metadata::Orientation;

/// Applies EXIF orientation `1..=8`; anything else leaves the image as it is.
pub fn apply_exif_orientation(image: RgbImage, orientation: Option<u16>) -> RgbImage {
    let Some(orientation) = orientation.and_then(|o| u8::try_from(o).ok()).and_then(Orientation::from_exif) else {
        return image;
    };
    let mut dynamic = image::DynamicImage::ImageRgb8(image);
    dynamic.apply_orientation(orientation);
    dynamic.into_rgb8()
}

/// Turns a video frame clockwise by 90, 180 or 270 degrees.
pub fn apply_rotation(image: RgbImage, clockwise_degrees: i32) -> RgbImage {
    match clockwise_degrees.rem_euclid(360) {
        90 => image::imageops::rotate90(&image),
        180 => image::imageops::rotate180(&image),
        270 => image::imageops::rotate270(&image),
        _ => image,
    }
}

/// Whether an EXIF orientation swaps width and height (the 90° and 270° cases).
pub fn swaps_dimensions(orientation: Option<u16>) -> bool {
    matches!(orientation, Some(5..=8))
}
