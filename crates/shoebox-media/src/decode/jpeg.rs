//! JPEG through libjpeg-turbo (`turbojpeg`). The DCT can scale by 1/2, 1/4 or 1/8 while
//! decoding, which is several times faster than decoding full size and resizing: the largest
//! reduction that still leaves the short side at or above the preview size is used.

use std::path::Path;

use image::RgbImage;
use turbojpeg::{Colorspace, DecompressHeader, Decompressor, Image, PixelFormat, ScalingFactor, Subsamp};

use super::DecodedImage;
use crate::memory::pixel_bytes;
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
    let memory = limits.reserve(width, height, held_bytes(&header, &scaled, data.len()), "JPEG")?;
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
    Ok(DecodedImage { pixels, stored_width: width, stored_height: height, already_oriented: false, memory })
}

/// The file's bytes, the (scaled) RGB output and, for progressive JPEGs, libjpeg's full-size
/// buffer of DCT coefficients (2 bytes per sample of every component); baseline JPEGs are
/// decoded a few rows at a time.
fn held_bytes(header: &DecompressHeader, scaled: &DecompressHeader, file_bytes: usize) -> u64 {
    let output =
        pixel_bytes(dimension(scaled.width).unwrap_or(u32::MAX), dimension(scaled.height).unwrap_or(u32::MAX), 3);
    let coefficients = if header.is_progressive || header.is_arithmetic {
        let samples_per_pixel = match header.subsamp {
            Subsamp::Gray => 2,
            Subsamp::Sub2x2 => 3,
            Subsamp::Sub2x1 | Subsamp::Sub1x2 => 4,
            _ => 6,
        };
        pixel_bytes(
            dimension(header.width).unwrap_or(u32::MAX),
            dimension(header.height).unwrap_or(u32::MAX),
            samples_per_pixel,
        )
    } else {
        0
    };
    output.saturating_add(coefficients).saturating_add(file_bytes as u64)
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
