//! Video metadata: FFmpeg gives container, codecs, duration, frame rate, size and rotation;
//! `nom-exif` reads MP4/QuickTime creation dates, GPS and camera make/model, which FFmpeg
//! reports only as loosely formatted tags.

use std::path::Path;

use ffmpeg_next::media::Type;
use nom_exif::{EntryValue, MediaKind, MediaParser, MediaSource, TrackInfo, TrackInfoTag};

use super::MediaMetadata;
use super::exif::{plausible_date, set_position};
use crate::MediaError;
use crate::ffmpeg::{display_rotation, open_input};

pub(crate) fn discover_video(path: &Path) -> Result<MediaMetadata, MediaError> {
    let input = open_input(path)?;
    refuse_still_images(&input)?;
    let mut meta = MediaMetadata { container: Some(input.format().name().to_string()), ..MediaMetadata::default() };

    let video = input.streams().best(Type::Video).ok_or_else(|| MediaError::corrupt("the file has no video stream"))?;
    let parameters = video.parameters();
    meta.video_codec = Some(parameters.id().name().to_string());
    // SAFETY: codecpar is valid while the stream is; width/height are plain ints.
    let (width, height) = unsafe { ((*parameters.as_ptr()).width, (*parameters.as_ptr()).height) };
    meta.width = u32::try_from(width).ok().filter(|w| *w > 0);
    meta.height = u32::try_from(height).ok().filter(|h| *h > 0);
    meta.rotation = Some(display_rotation(&video));
    let rate = video.avg_frame_rate();
    let rate = if rate.denominator() != 0 && rate.numerator() > 0 { rate } else { video.rate() };
    meta.fps = (rate.denominator() != 0 && rate.numerator() > 0).then(|| f64::from(rate));

    meta.audio_codec = input.streams().best(Type::Audio).map(|a| a.parameters().id().name().to_string());

    // Container duration (microseconds), else the video stream's.
    let duration_us = input.duration();
    meta.duration_ms = if duration_us > 0 {
        Some(duration_us / 1000)
    } else if video.duration() > 0 {
        Some((video.duration() as f64 * f64::from(video.time_base()) * 1000.0).round() as i64)
    } else {
        None
    };
    drop(input);

    if let Some(track) = read_track(path) {
        apply_track(&track, &mut meta);
    }
    Ok(meta)
}

/// FFmpeg also opens still images (as one-frame "videos"); a video asset must be a video.
pub(crate) fn refuse_still_images(input: &ffmpeg_next::format::context::Input) -> Result<(), MediaError> {
    let format = input.format();
    let container = format.name();
    if container == "image2" || container.ends_with("_pipe") {
        return Err(MediaError::corrupt(format!("this is not a video (FFmpeg reads it as {container})")));
    }
    Ok(())
}

fn read_track(path: &Path) -> Option<TrackInfo> {
    let source = MediaSource::open(path).ok()?;
    if source.kind() != MediaKind::Track {
        return None;
    }
    match MediaParser::new().parse_track(source) {
        Ok(track) => Some(track),
        Err(error) => {
            tracing::debug!(path = %path.display(), %error, "no MP4/QuickTime metadata");
            None
        }
    }
}

fn apply_track(track: &TrackInfo, meta: &mut MediaMetadata) {
    let text =
        |tag| track.get(tag).and_then(EntryValue::as_str).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    meta.make = text(TrackInfoTag::Make);
    meta.model = text(TrackInfoTag::Model);
    if let Some(created) = track.get(TrackInfoTag::CreateDate).and_then(EntryValue::as_datetime) {
        // Apple's creationdate carries the local offset; the mvhd header's date is UTC.
        let local = created.into_naive();
        if plausible_date(&local) {
            meta.date_time_original = Some(local);
            meta.offset = created.aware().map(|dt| *dt.offset());
        }
    }
    if let Some(gps) = track.gps_info() {
        set_position(meta, gps.latitude_decimal(), gps.longitude_decimal());
    }
}
