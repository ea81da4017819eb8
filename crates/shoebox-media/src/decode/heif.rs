//! HEIC/HEIF through libheif (built in, with libde265 for HEVC). libheif applies the
//! container's rotation and mirroring (irot/imir) while decoding, so the result is already
//! upright: EXIF orientation must not be applied again (iPhones write both).

use std::path::Path;

use image::RgbImage;
use libheif_rs::{ColorSpace, DecodingOptions, HeifContext, LibHeif, RgbChroma};

use super::DecodedImage;
use crate::memory::pixel_bytes;
use crate::{Limits, MediaError};

pub fn decode_heif(path: &Path, limits: &Limits) -> Result<DecodedImage, MediaError> {
    let path_str = path.to_str().ok_or_else(|| MediaError::Unsupported("file path is not valid UTF-8".into()))?;
    let library = LibHeif::new();
    let context =
        HeifContext::read_from_file(path_str).map_err(|e| heif_error("cannot read the HEIF container", &e))?;
    let handle = context.primary_image_handle().map_err(|e| heif_error("no primary image", &e))?;
    // Displayed size (after irot); ispe is the size as stored.
    let (width, height) = (handle.width(), handle.height());
    let memory =
        limits.reserve(width, height, pixel_bytes(width, height, held_bytes_per_pixel(&handle)), "HEIF image")?;
    let stored =
        (u32::try_from(handle.ispe_width()).unwrap_or(width), u32::try_from(handle.ispe_height()).unwrap_or(height));

    let mut options = DecodingOptions::new();
    if let Some(options) = options.as_mut() {
        options.set_convert_hdr_to_8bit(true);
        // Fail on missing or damaged tiles instead of returning a partly grey picture.
        options.set_strict_decoding(true);
    }
    let image = library
        .decode(&handle, ColorSpace::Rgb(RgbChroma::Rgb), options)
        .map_err(|e| heif_error("cannot decode the image", &e))?;
    let plane = image.planes().interleaved.ok_or_else(|| MediaError::corrupt("libheif returned no RGB plane"))?;
    let row_bytes = plane.width as usize * 3;
    let mut pixels = Vec::with_capacity(row_bytes * plane.height as usize);
    for row in plane.data.chunks(plane.stride).take(plane.height as usize) {
        pixels.extend_from_slice(row.get(..row_bytes).ok_or_else(|| MediaError::corrupt("short HEIF row"))?);
    }
    let pixels = RgbImage::from_raw(plane.width, plane.height, pixels)
        .ok_or_else(|| MediaError::corrupt("libheif returned a truncated image"))?;
    Ok(DecodedImage { pixels, stored_width: stored.0, stored_height: stored.1, already_oriented: true, memory })
}

/// Bytes per pixel held at the peak: libheif's YCbCr planes beside the RGB it converts them to
/// (for 8-bit 4:2:0 1.5 + 3, for deeper samples up to 6 + 3), then that RGB beside our copy
/// (3 + 3); an alpha plane adds up to 2.
fn held_bytes_per_pixel(handle: &libheif_rs::ImageHandle) -> u64 {
    let deep = handle.luma_bits_per_pixel() > 8 || handle.chroma_bits_per_pixel() > 8;
    let colour = if deep { 9 } else { 6 };
    if handle.has_alpha_channel() { colour + 2 } else { colour }
}

fn heif_error(context: &str, error: &libheif_rs::HeifError) -> MediaError {
    let message = format!("{context}: {error}");
    use libheif_rs::{HeifErrorCode, HeifErrorSubCode};
    if matches!(error.code, HeifErrorCode::UnsupportedFeature)
        || matches!(error.sub_code, HeifErrorSubCode::UnsupportedCodec | HeifErrorSubCode::NoMatchingDecoderInstalled)
    {
        MediaError::Unsupported(format!("HEIF/AVIF {message}"))
    } else {
        MediaError::corrupt(message)
    }
}
