//! FFmpeg set-up shared by discovery, poster frames and transcoding: one-time initialisation
//! with quiet logging, opening inputs with readable errors, and the display rotation of a stream.

use std::path::Path;
use std::sync::Once;

use ffmpeg_next::codec::packet::side_data::Type as SideDataType;
use ffmpeg_next::format::context::Input;
use ffmpeg_next::format::stream::Stream;

use crate::MediaError;

static INIT: Once = Once::new();

/// Initialises FFmpeg once per process and limits its logging to errors.
pub fn init() {
    INIT.call_once(|| {
        if let Err(error) = ffmpeg_next::init() {
            tracing::error!(%error, "FFmpeg initialisation failed");
        }
        ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Error);
    });
}

/// Opens a media file for demuxing. Files FFmpeg cannot make sense of are `Corrupt`.
pub fn open_input(path: &Path) -> Result<Input, MediaError> {
    init();
    ffmpeg_next::format::input(path).map_err(|error| match error {
        ffmpeg_next::Error::Other { errno }
            if std::io::Error::from_raw_os_error(errno).kind() != std::io::ErrorKind::Other =>
        {
            MediaError::Io(std::io::Error::from_raw_os_error(errno))
        }
        ffmpeg_next::Error::InvalidData => MediaError::corrupt("FFmpeg does not recognise this file as a video"),
        other => MediaError::corrupt(format!("FFmpeg cannot open this file: {other}")),
    })
}

/// Turns an FFmpeg error in the middle of processing into a `MediaError`: bad data is the
/// file's fault (`Corrupt`), the rest is reported as an FFmpeg failure.
pub fn processing_error(context: &str) -> impl Fn(ffmpeg_next::Error) -> MediaError + '_ {
    move |error| match error {
        ffmpeg_next::Error::InvalidData => MediaError::corrupt(format!("{context}: invalid data in the video stream")),
        other => MediaError::Ffmpeg(format!("{context}: {other}")),
    }
}

/// Clockwise degrees (0, 90, 180 or 270) a stream's frames must be turned to be seen upright,
/// from its display matrix, or the legacy `rotate` tag.
pub fn display_rotation(stream: &Stream) -> i32 {
    for side_data in stream.side_data() {
        if side_data.kind() == SideDataType::DisplayMatrix && side_data.data().len() >= 36 {
            // The matrix is nine i32s; av_display_rotation_get gives the counter-clockwise angle.
            let matrix = side_data.data().as_ptr().cast::<i32>();
            let counter_clockwise = unsafe { ffmpeg_next::ffi::av_display_rotation_get(matrix) };
            if counter_clockwise.is_finite() {
                return normalise_degrees(-counter_clockwise.round() as i32);
            }
        }
    }
    stream.metadata().get("rotate").and_then(|r| r.trim().parse::<i32>().ok()).map_or(0, normalise_degrees)
}

fn normalise_degrees(degrees: i32) -> i32 {
    // Round to the nearest quarter turn; anything else is not something a phone writes.
    (((degrees as f64 / 90.0).round() as i32) * 90).rem_euclid(360)
}

#[cfg(test)]
mod tests {
    use super::normalise_degrees;

    #[test]
    fn rotations_are_quarter_turns_clockwise() {
        assert_eq!(normalise_degrees(-90), 270);
        assert_eq!(normalise_degrees(90), 90);
        assert_eq!(normalise_degrees(-180), 180);
        assert_eq!(normalise_degrees(360), 0);
        assert_eq!(normalise_degrees(89), 90);
    }
}
