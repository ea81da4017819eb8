//! PNG, WebP, GIF (first frame), TIFF and BMP through the `image` crate. Dimensions are read
//! from the header and checked against [`Limits`] first; `image::Limits` is set as well, so no
//! decoder allocates more than the limit allows.

use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, RgbImage};

use super::DecodedImage;
use crate::{Limits, MediaError};

/// Bytes per pixel of the widest format we accept (RGBA with 32-bit floats), for `max_alloc`.
const MAX_BYTES_PER_PIXEL: u64 = 16;

pub fn decode_raster(path: &Path, mime: &str, limits: &Limits) -> Result<DecodedImage, MediaError> {
    let mut reader = ImageReader::open(path)?.with_guessed_format()?;
    if reader.format().is_none() {
        return Err(MediaError::corrupt(format!("the file's content is not a recognised image (declared as {mime})")));
    }
    // Header first: a bomb is refused here, before the decoder exists.
    let (width, height) = imagesize::size(path)
        .map(|s| (u32::try_from(s.width).unwrap_or(u32::MAX), u32::try_from(s.height).unwrap_or(u32::MAX)))
        .unwrap_or((0, 0));
    if width > 0 && height > 0 {
        limits.check(width, height)?;
    }
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(MAX_BYTES_PER_PIXEL));
    reader.limits(image_limits);

    let decoder = reader.into_decoder().map_err(|e| image_error(mime, e))?;
    let (width, height) = decoder.dimensions();
    limits.check(width, height)?;
    let image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(mime, e))?;
    let pixels = flatten_to_rgb(image).ok_or_else(|| MediaError::corrupt("decoded image of the wrong size"))?;
    Ok(DecodedImage { pixels, stored_width: width, stored_height: height, already_oriented: false })
}

/// RGB pixels; transparent areas become white, as they look on the web gallery's background.
fn flatten_to_rgb(image: DynamicImage) -> Option<RgbImage> {
    if !image.color().has_alpha() {
        return Some(image.into_rgb8());
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for pixel in rgba.pixels() {
        let [r, g, b, a] = pixel.0;
        let a = u16::from(a);
        for c in [r, g, b] {
            rgb.push(((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    RgbImage::from_raw(width, height, rgb)
}

fn image_error(mime: &str, error: ImageError) -> MediaError {
    match error {
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            MediaError::corrupt(format!("the {mime} file is truncated"))
        }
        ImageError::IoError(io) => MediaError::Io(io),
        ImageError::Unsupported(e) => MediaError::Unsupported(format!("{mime}: {e}")),
        ImageError::Limits(e) => MediaError::corrupt(format!("{mime} needs more memory than allowed: {e}")),
        other => MediaError::corrupt(format!("cannot decode {mime}: {other}")),
    }
}
