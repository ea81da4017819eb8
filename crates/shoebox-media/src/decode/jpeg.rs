//! JPEG through libjpeg-turbo (`turbojpeg`). The DCT can scale by 1/2, 1/4 or 1/8 while
//! decoding, which is several times faster than decoding full size and resizing: the largest
//! reduction that still leaves the short side at or above the preview size is used.

use std::path::Path;

use image::RgbImage;
use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat, ScalingFactor};

use super::DecodedImage;
use crate::{Limits, MediaError};

/// DCT reductions with SIMD code paths in libjpeg-turbo, largest reduction first.
const FAST_SCALES: [ScalingFactor; 3] =
    [ScalingFactor::ONE_EIGHTH, ScalingFactor::ONE_QUARTER, ScalingFactor::ONE_HALF];

pub fn decode_jpeg(path: &Path, min_short_side: u32, limits: &Limits) -> Result<DecodedImage, MediaError> {
    let data = std::fs::read(path)?;
    let mut decompressor = Decompressor::new().map_err(|e| MediaError::Encode(format!("libjpeg-turbo: {e}")))?;
    let header = decompressor.read_header(&data).map_err(|e| jpeg_error(&e))?;
    let (width, height) = (dimension(header.width)?, dimension(header.height)?);
    limits.check(width, height)?;

    // libjpeg-turbo cannot turn CMYK into RGB; the `image` crate (zune-jpeg) can.
    if matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK) {
        return super::raster::decode_raster(path, "image/jpeg", limits);
    }

    let scale = if header.is_lossless {
        ScalingFactor::ONE
    } else {
        FAST_SCALES
            .into_iter()
            .find(|s| s.scale(header.width.min(header.height)) >= min_short_side as usize)
            .unwrap_or(ScalingFactor::ONE)
    };
    decompressor.set_scaling_factor(scale).map_err(|e| jpeg_error(&e))?;
    let scaled = header.scaled(scale);
    let mut image = Image {
        pixels: vec![0u8; 3 * scaled.width * scaled.height],
        width: scaled.width,
        pitch: 3 * scaled.width,
        height: scaled.height,
        format: PixelFormat::RGB,
    };
    if let Err(error) = decompressor.decompress(&data, image.as_deref_mut()) {
        if !is_harmless_warning(&error) {
            return Err(jpeg_error(&error));
        }
        tracing::debug!(path = %path.display(), %error, "JPEG decoded with a warning");
    }
    let pixels = RgbImage::from_raw(dimension(scaled.width)?, dimension(scaled.height)?, image.pixels)
        .ok_or_else(|| MediaError::corrupt("JPEG decoder returned a buffer of the wrong size"))?;
    Ok(DecodedImage { pixels, stored_width: width, stored_height: height, already_oriented: false })
}

fn dimension(value: usize) -> Result<u32, MediaError> {
    u32::try_from(value).map_err(|_| MediaError::corrupt(format!("impossible JPEG dimension {value}")))
}

/// libjpeg reports recoverable problems as warnings after decoding every pixel. Stray bytes
/// between markers are common in camera and phone files and harmless; a truncated file is not.
fn is_harmless_warning(error: &turbojpeg::Error) -> bool {
    let turbojpeg::Error::TurboJpegError(message) = error else {
        return false;
    };
    message.contains("extraneous bytes before marker")
}

fn jpeg_error(error: &turbojpeg::Error) -> MediaError {
    let message = match error {
        turbojpeg::Error::TurboJpegError(message) => message.clone(),
        other => other.to_string(),
    };
    if message.contains("Premature end") {
        MediaError::corrupt("the JPEG file is truncated (premature end of data)")
    } else {
        MediaError::corrupt(format!("invalid JPEG: {message}"))
    }
}
