//! Encode: preview JPEG through libjpeg-turbo, thumbnail WebP (lossy, libwebp) and the
//! thumbhash placeholder the clients show while images load.

use image::RgbImage;
use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

use crate::MediaError;
use crate::resize::{fit_inside, resize_rgb};

/// thumbhash works on images that fit inside 100×100.
const THUMBHASH_MAX_SIDE: u32 = 100;

/// Baseline JPEG with 4:2:0 chroma, as browsers and phones expect.
pub fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    let encoder_error = |e: turbojpeg::Error| MediaError::Encode(format!("JPEG: {e}"));
    let mut compressor = Compressor::new().map_err(encoder_error)?;
    compressor.set_quality(i32::from(quality.clamp(1, 100))).map_err(encoder_error)?;
    compressor.set_subsamp(Subsamp::Sub2x2).map_err(encoder_error)?;
    let (width, height) = (image.width() as usize, image.height() as usize);
    let view = Image { pixels: image.as_raw().as_slice(), width, pitch: width * 3, height, format: PixelFormat::RGB };
    compressor.compress_to_vec(view).map_err(encoder_error)
}

/// Lossy WebP at `quality` (0..=100).
pub fn encode_webp(image: &RgbImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    if image.width() > 16383 || image.height() > 16383 {
        return Err(MediaError::Unsupported(format!("WebP cannot hold {}×{} pixels", image.width(), image.height())));
    }
    let encoder = webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height());
    Ok(encoder.encode(f32::from(quality.min(100))).to_vec())
}

/// The thumbhash of an image (about 20–25 bytes), computed on a copy fitted in 100×100.
pub fn thumbhash(image: &RgbImage) -> Result<Vec<u8>, MediaError> {
    let (width, height) = fit_inside(image.width(), image.height(), THUMBHASH_MAX_SIDE);
    let small = resize_rgb(image, width, height)?;
    let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
    for pixel in small.pixels() {
        rgba.extend_from_slice(&[pixel.0[0], pixel.0[1], pixel.0[2], 255]);
    }
    Ok(thumbhash::rgba_to_thumb_hash(width as usize, height as usize, &rgba))
}
