//! Transcode: a web-playable copy of a video (H.264 + AAC in MP4, short side ≤ 720).

use std::path::Path;

use crate::{MediaError, TranscodeSettings};

/// Writes a browser-playable MP4 of `input` to `output`.
pub fn transcode_to_mp4(
    _input: &Path,
    _output: &Path,
    _settings: &TranscodeSettings,
) -> Result<(), MediaError> {
    Err(MediaError::Unsupported(
        "video transcoding is not implemented yet".into(),
    ))
}
