//! The knobs: pixel and memory limits against decompression bombs, thumbnail sizes and qualities
//! (Immich's defaults), and video transcoding targets.

use crate::memory::{DecodeMemory, Reservation};

/// Safety limits applied before any pixel buffer is allocated.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest width × height Shoebox decodes; larger files fail with `MediaError::TooLarge`.
    pub max_pixels: u64,
    /// Memory all decodes sharing these limits may hold at once; clones share the budget.
    pub memory: DecodeMemory,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_pixels: 250_000_000, memory: DecodeMemory::default() }
    }
}

impl Limits {
    /// Limits with their own decode memory budget of `decode_memory_bytes`.
    pub fn new(max_pixels: u64, decode_memory_bytes: u64) -> Self {
        Limits { max_pixels, memory: DecodeMemory::new(decode_memory_bytes) }
    }

    /// Checks the pixel count of a `width`×`height` image, then waits for `bytes` of the decode
    /// memory budget (see [`crate::memory::pixel_bytes`]). `what` names the decode in errors.
    pub fn reserve(&self, width: u32, height: u32, bytes: u64, what: &str) -> Result<Reservation, crate::MediaError> {
        self.check(width, height)?;
        self.memory.reserve(bytes, &format!("a {width}×{height} {what}"))
    }

    /// Fails with `TooLarge` when `width × height` exceeds the limit.
    pub fn check(&self, width: u32, height: u32) -> Result<(), crate::MediaError> {
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(crate::MediaError::TooLarge { width, height, max_pixels: self.max_pixels });
        }
        if width == 0 || height == 0 {
            return Err(crate::MediaError::corrupt(format!("image has no pixels ({width}×{height})")));
        }
        Ok(())
    }
}

/// Sizes are for the short side; images are never enlarged. Defaults are Immich's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThumbnailSettings {
    /// Short side of the preview JPEG (the photo viewer's image).
    pub preview_size: u32,
    pub preview_quality: u8,
    /// Short side of the thumbnail WebP (the timeline grid).
    pub thumbnail_size: u32,
    pub thumbnail_quality: u8,
}

impl Default for ThumbnailSettings {
    fn default() -> Self {
        ThumbnailSettings { preview_size: 1440, preview_quality: 80, thumbnail_size: 250, thumbnail_quality: 80 }
    }
}

/// Target of [`crate::transcode_to_mp4`]: H.264 + AAC in MP4, playable by every browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscodeSettings {
    /// Largest short side of the output; smaller videos keep their size.
    pub max_short_side: u32,
    /// x264 constant rate factor (lower is better quality, larger files).
    pub crf: u8,
    /// x264 preset name ("ultrafast" … "veryslow").
    pub preset: String,
    /// AAC bitrate in bits per second.
    pub audio_bitrate: usize,
    /// Threads one transcode decodes and encodes with; 0 lets FFmpeg use every core. The worker
    /// sets it to the share of its CPU budget a transcode holds, so photos keep the rest.
    pub threads: usize,
}

impl Default for TranscodeSettings {
    fn default() -> Self {
        TranscodeSettings { max_short_side: 720, crf: 23, preset: "faster".into(), audio_bitrate: 128_000, threads: 0 }
    }
}
