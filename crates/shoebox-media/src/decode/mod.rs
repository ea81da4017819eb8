//! Decode: turn a photo or a video's poster frame into RGB pixels, refusing files with more
//! pixels than [`Limits`] allow before any pixel buffer is allocated. Each decoder works out
//! from the header the bytes it will hold at once and reserves them from the decode memory
//! budget first ([`crate::memory`]): it waits while other decodes hold the memory, and a file
//! needing more than the whole budget fails. The format is decided from the file's bytes, not
//! its name or declared type.
//!
//! - JPEG: libjpeg-turbo, decoded at a reduced DCT scale when the preview allows ([`jpeg`]).
//! - HEIC/HEIF (and AVIF if libheif can): libheif, which applies irot/imir itself ([`heif`]).
//! - PNG, WebP, GIF, TIFF, BMP: the `image` crate ([`raster`]).
//! - Videos: a representative frame through FFmpeg ([`video_frame`]).

pub mod heif;
pub mod jpeg;
pub mod raster;
pub mod video_frame;

use std::io::Read;
use std::path::Path;

use image::RgbImage;

use crate::memory::Reservation;
use crate::{Limits, MediaError};

/// Pixels ready for resizing, and what is known about the original.
#[derive(Debug)]
pub struct DecodedImage {
    /// Possibly smaller than the original (JPEG DCT scaling), never smaller than requested.
    pub pixels: RgbImage,
    /// Size of the original as stored in the file.
    pub stored_width: u32,
    pub stored_height: u32,
    /// True when the decoder already turned the image upright (libheif): do not apply EXIF
    /// orientation again.
    pub already_oriented: bool,
    /// The decode memory these pixels hold, given back when they are dropped.
    pub memory: Reservation,
}

/// The container families this module tells apart by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImageKind {
    Jpeg,
    Heif,
    Other,
}

/// Decodes an image so that its short side is at least `min_short_side` (or its full size if
/// smaller). `mime` is only used in error messages; the bytes decide the decoder.
pub fn decode_image(path: &Path, mime: &str, min_short_side: u32, limits: &Limits) -> Result<DecodedImage, MediaError> {
    match sniff(path)? {
        ImageKind::Jpeg => jpeg::decode_jpeg(path, min_short_side, limits),
        ImageKind::Heif => heif::decode_heif(path, limits),
        ImageKind::Other => raster::decode_raster(path, mime, limits),
    }
}

/// Whether the file's bytes say HEIC/HEIF (or AVIF): read by libheif.
pub(crate) fn is_heif(path: &Path) -> bool {
    matches!(sniff(path), Ok(ImageKind::Heif))
}

fn sniff(path: &Path) -> Result<ImageKind, MediaError> {
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)?.take(64).read_to_end(&mut head)?;
    if head.is_empty() {
        return Err(MediaError::corrupt("the file is empty (0 bytes)"));
    }
    Ok(match infer::get(&head).map(|kind| kind.mime_type()) {
        Some("image/jpeg") => ImageKind::Jpeg,
        Some("image/heif" | "image/heic" | "image/heif-sequence" | "image/heic-sequence" | "image/avif") => {
            ImageKind::Heif
        }
        _ => ImageKind::Other,
    })
}
