//! Generate: the preview JPEG, thumbnail WebP and thumbhash of a photo or a video's poster
//! frame. The flow is decode (reduced where possible) → resize to the preview size → turn
//! upright → encode the preview; then the thumbnail and thumbhash are made from the preview's
//! pixels, which is much faster than going back to the original.

use std::path::Path;

use image::RgbImage;

use crate::decode::{DecodedImage, decode_image, video_frame::decode_poster_frame};
use crate::encode::{encode_jpeg, encode_webp, thumbhash};
use crate::orient::{apply_exif_orientation, swaps_dimensions};
use crate::resize::fit_rgb;
use crate::{Limits, MediaError, ThumbnailSettings};

/// The files and facts produced for one asset.
#[derive(Debug, Clone)]
pub struct Derivatives {
    pub preview_jpeg: Vec<u8>,
    pub preview_width: u32,
    pub preview_height: u32,
    pub thumbnail_webp: Vec<u8>,
    pub thumbnail_width: u32,
    pub thumbnail_height: u32,
    pub thumbhash: Vec<u8>,
    /// Full size as the user sees it, after orientation/rotation.
    pub width: u32,
    pub height: u32,
}

/// Preview, thumbnail and thumbhash of a photo. `orientation` is the EXIF orientation from
/// [`crate::discover`] (`None` = upright); it is ignored for HEIC/HEIF, whose decoder already
/// applies the container's rotation.
pub fn generate_image(
    path: &Path,
    mime: &str,
    orientation: Option<u16>,
    settings: &ThumbnailSettings,
    limits: &Limits,
) -> Result<Derivatives, MediaError> {
    crate::discover::check_not_empty(path)?;
    let decoded = decode_image(path, mime, settings.preview_size, limits)?;
    let orientation = if decoded.already_oriented { None } else { orientation };
    // Full size as seen: libheif's output is already upright; otherwise the stored size,
    // swapped when the orientation turns the image a quarter.
    let (width, height) = if decoded.already_oriented {
        decoded.pixels.dimensions()
    } else if swaps_dimensions(orientation) {
        (decoded.stored_height, decoded.stored_width)
    } else {
        (decoded.stored_width, decoded.stored_height)
    };
    derive(decoded, orientation, width, height, settings)
}

/// Preview, thumbnail and thumbhash of a video, from a representative frame turned upright.
pub fn generate_video(path: &Path, settings: &ThumbnailSettings, limits: &Limits) -> Result<Derivatives, MediaError> {
    crate::discover::check_not_empty(path)?;
    let decoded = decode_poster_frame(path, limits)?;
    let (width, height) = decoded.pixels.dimensions();
    derive(decoded, None, width, height, settings)
}

fn derive(
    decoded: DecodedImage,
    orientation: Option<u16>,
    width: u32,
    height: u32,
    settings: &ThumbnailSettings,
) -> Result<Derivatives, MediaError> {
    // Resize before orienting: the short side is the same either way, and turning the small
    // image is cheaper.
    let preview = fit_rgb(&decoded.pixels, settings.preview_size)?;
    // The full-size pixels and their decode memory go before encoding starts.
    drop(decoded);
    let preview: RgbImage = apply_exif_orientation(preview, orientation);
    let preview_jpeg = encode_jpeg(&preview, settings.preview_quality)?;
    let thumbnail = fit_rgb(&preview, settings.thumbnail_size)?;
    let thumbnail_webp = encode_webp(&thumbnail, settings.thumbnail_quality)?;
    let thumbhash = thumbhash(&thumbnail)?;
    Ok(Derivatives {
        preview_width: preview.width(),
        preview_height: preview.height(),
        preview_jpeg,
        thumbnail_width: thumbnail.width(),
        thumbnail_height: thumbnail.height(),
        thumbnail_webp,
        thumbhash,
        width,
        height,
    })
}
