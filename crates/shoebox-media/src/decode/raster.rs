//! PNG, WebP, GIF (first frame), TIFF and BMP through the `image` crate. Dimensions are read
//! from the header and checked against [`Limits`] first, and the decode's memory (its pixels in
//! their own format plus the RGB copy) is reserved before any pixel is decoded;
//! `image::Limits` is set as well, so no decoder allocates more than the whole budget.

use std::path::Path;

use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageReader, RgbImage};

use super::DecodedImage;
use crate::memory::pixel_bytes;
use crate::{Limits, MediaError};

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
    // No decoder may allocate more than the whole budget, whatever its header said.
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.memory.ceiling());
    reader.limits(image_limits);

    let decoder = reader.into_decoder().map_err(|e| image_error(mime, e))?;
    let (width, height) = decoder.dimensions();
    let color = decoder.color_type();
    let bytes = pixel_bytes(width, height, held_bytes_per_pixel(color));
    let memory = limits.reserve(width, height, bytes, &format!("{mime} ({color:?})"))?;
    let image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(mime, e))?;
    let pixels = flatten_to_rgb(image).ok_or_else(|| MediaError::corrupt("decoded image of the wrong size"))?;
    Ok(DecodedImage { pixels, stored_width: width, stored_height: height, already_oriented: false, memory })
}

/// Bytes per pixel held at the peak: the decoded image in its own format, beside the RGB (and
/// for transparent images first RGBA) copy `flatten_to_rgb` makes of it.
fn held_bytes_per_pixel(color: ColorType) -> u64 {
    let native = u64::from(color.bytes_per_pixel());
    match (color, color.has_alpha()) {
        (ColorType::Rgb8, _) => 3,
        (ColorType::Rgba8, _) => 4 + 3,
        (_, true) => (native + 4).max(4 + 3),
        (_, false) => native + 3,
    }
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
