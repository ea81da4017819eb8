//! Discover: what a file says about itself, without decoding its pixels. Images give their
//! header dimensions and EXIF ([`exif`]; HEIC/HEIF EXIF through libheif, [`heif_exif`]); videos give container and stream facts from FFmpeg
//! plus QuickTime/MP4 dates and GPS ([`video`]).

pub mod exif;
mod heif_exif;
pub mod video;

use std::path::Path;

use chrono::{FixedOffset, NaiveDateTime};

use crate::MediaError;

/// Everything Shoebox records about an asset's content. Fields a file does not carry are `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaMetadata {
    /// Size as stored, before EXIF orientation or video rotation is applied, unless
    /// `size_is_upright`.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The size is already as shown (HEIC/HEIF: the container's rotation applied, as its
    /// decoder applies it; the EXIF orientation is then not applied again).
    pub size_is_upright: bool,
    /// EXIF orientation, 1..=8 (1 = upright).
    pub orientation: Option<u16>,
    pub make: Option<String>,
    pub model: Option<String>,
    pub lens_model: Option<String>,
    /// As photographers write it: "1/250", or "2" for two seconds.
    pub exposure_time: Option<String>,
    pub f_number: Option<f64>,
    pub iso: Option<u32>,
    /// Millimetres.
    pub focal_length: Option<f64>,
    /// Local wall-clock time when the photo or video was taken.
    pub date_time_original: Option<NaiveDateTime>,
    /// UTC offset of `date_time_original`, when the file says it. Video creation dates from the
    /// MP4/QuickTime header are UTC, so they come with offset +00:00.
    pub offset: Option<FixedOffset>,
    pub modify_date: Option<NaiveDateTime>,
    /// Decimal degrees, north and east positive.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: Option<String>,
    /// 0..=5 stars; -1 means rejected.
    pub rating: Option<i32>,
    /// "EQUIRECTANGULAR" for 360° panoramas (GPano XMP).
    pub projection_type: Option<String>,
    // Video only (None for images).
    pub duration_ms: Option<i64>,
    /// FFmpeg codec names: "h264", "hevc", "vp9", "av1", "aac", "mp3", "opus", …
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub fps: Option<f64>,
    /// Clockwise degrees (0, 90, 180, 270) the frames must be turned to be seen upright.
    pub rotation: Option<i32>,
    /// Container as FFmpeg names it, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm".
    pub container: Option<String>,
}

/// Reads an image's or video's metadata. `mime` decides which: `video/*` goes through FFmpeg,
/// everything else is treated as an image.
pub fn discover(path: &Path, mime: &str) -> Result<MediaMetadata, MediaError> {
    check_not_empty(path)?;
    if mime.starts_with("video/") { video::discover_video(path) } else { exif::discover_image(path, mime) }
}

/// Whether a video needs a web-playable copy: anything but H.264 video with AAC, MP3 or no
/// audio in an MP4/MOV container.
pub fn needs_transcode(meta: &MediaMetadata) -> bool {
    let video_ok = meta.video_codec.as_deref() == Some("h264");
    let audio_ok = matches!(meta.audio_codec.as_deref(), None | Some("aac") | Some("mp3"));
    // FFmpeg's MP4 demuxer reports "mov,mp4,m4a,3gp,3g2,mj2" for both MP4 and MOV.
    let container_ok = meta.container.as_deref().is_none_or(|c| c.split(',').any(|n| n == "mp4" || n == "mov"));
    !(video_ok && audio_ok && container_ok)
}

pub(crate) fn check_not_empty(path: &Path) -> Result<(), MediaError> {
    if std::fs::metadata(path)?.len() == 0 {
        return Err(MediaError::corrupt("the file is empty (0 bytes)"));
    }
    Ok(())
}
