//! A video's poster frame: FFmpeg seeks to about 10% of the clip (at least 1 s in when the
//! clip is long enough, so fade-ins and black first frames are skipped) and decodes only
//! keyframes until it reaches that moment, as Immich's `-skip_frame nointra` does: a phone's
//! 4K clip has a keyframe every second or two, and decoding every frame in between cost seconds.
//! The frame is converted to RGB with swscale and turned upright by the stream's display
//! rotation. A frame that is still almost black is replaced by one from mid-clip. A stream
//! without keyframes (intra refresh) is decoded frame by frame instead.

use std::path::Path;

use ffmpeg_next::format::Pixel;
use ffmpeg_next::media::Type;
use ffmpeg_next::software::scaling::{Context as Scaler, Flags};
use ffmpeg_next::util::frame::video::Video as VideoFrame;
use image::RgbImage;

use super::DecodedImage;
use crate::ffmpeg::{display_rotation, open_input, processing_error};
use crate::memory::pixel_bytes;
use crate::orient::apply_rotation;
use crate::{Limits, MediaError};

/// How many frames past the seek point are decoded while looking for the target time.
const MAX_FRAMES_AFTER_SEEK: usize = 600;
/// Bytes per pixel held at the peak, roughly: the decoder's pool of YUV 4:2:0 frames (about
/// eight at 1.5 bytes), the kept frame, and its RGB conversion and turned copy (3 + 3).
const HELD_BYTES_PER_PIXEL: u64 = 20;
/// Mean brightness (0..=255) under which a frame counts as black.
const BLACK_FRAME_MEAN: f64 = 12.0;

/// Decodes the poster frame, upright. `stored_width/height` are the stream's coded size.
pub fn decode_poster_frame(path: &Path, limits: &Limits) -> Result<DecodedImage, MediaError> {
    let probe = open_input(path)?;
    crate::discover::video::refuse_still_images(&probe)?;
    let stream =
        probe.streams().best(Type::Video).ok_or_else(|| MediaError::corrupt("the file has no video stream"))?;
    // SAFETY: codecpar is valid while the stream is.
    let (width, height) = unsafe { ((*stream.parameters().as_ptr()).width, (*stream.parameters().as_ptr()).height) };
    let (w, h) = (u32::try_from(width).unwrap_or(0), u32::try_from(height).unwrap_or(0));
    let memory = limits.reserve(w, h, pixel_bytes(w, h, HELD_BYTES_PER_PIXEL), "video frame")?;
    let rotation = display_rotation(&stream);
    let duration_s = if probe.duration() > 0 { probe.duration() as f64 / 1e6 } else { 0.0 };
    drop(probe);

    let first_choice = (duration_s * 0.1).max(duration_s.min(2.0) / 2.0);
    let mut frame = frame_near(path, first_choice)?;
    if mean_brightness(&frame) < BLACK_FRAME_MEAN && duration_s > 0.0 {
        let later = frame_near(path, duration_s * 0.5)?;
        if mean_brightness(&later) > mean_brightness(&frame) {
            frame = later;
        }
    }
    Ok(DecodedImage {
        pixels: apply_rotation(frame, rotation),
        stored_width: width as u32,
        stored_height: height as u32,
        already_oriented: true,
        memory,
    })
}

/// The first keyframe at or after `seconds`, or any frame when the stream has no keyframes.
fn frame_near(path: &Path, seconds: f64) -> Result<RgbImage, MediaError> {
    match frame_at(path, seconds, true)? {
        Some(frame) => Ok(frame),
        None => frame_at(path, seconds, false)?.ok_or_else(|| MediaError::corrupt("no video frame could be decoded")),
    }
}

/// The first frame (a keyframe when `keyframes_only`) at or after `seconds`, or the last one of a
/// shorter clip, as RGB; `None` when none decodes.
fn frame_at(path: &Path, seconds: f64, keyframes_only: bool) -> Result<Option<RgbImage>, MediaError> {
    let mut input = open_input(path)?;
    let stream =
        input.streams().best(Type::Video).ok_or_else(|| MediaError::corrupt("the file has no video stream"))?;
    let stream_index = stream.index();
    let time_base = f64::from(stream.time_base());
    let context = ffmpeg_next::codec::context::Context::from_parameters(stream.parameters())
        .map_err(processing_error("reading the video stream parameters"))?;
    let mut decoder = context.decoder().video().map_err(|e| match e {
        ffmpeg_next::Error::DecoderNotFound => MediaError::Unsupported("no decoder for this video codec".into()),
        other => processing_error("opening the video decoder")(other),
    })?;
    if keyframes_only {
        decoder.skip_frame(ffmpeg_next::Discard::NonKey);
    }

    let target_us = (seconds * 1e6) as i64;
    // Seeking lands on the keyframe at or before the target; files that cannot seek are read
    // from the start.
    if target_us > 0 && input.seek(target_us, ..target_us + 1).is_err() {
        tracing::debug!(path = %path.display(), "seek failed; decoding from the start");
    }
    let target_pts = if time_base > 0.0 { (seconds / time_base) as i64 } else { 0 };

    let mut decoded = VideoFrame::empty();
    let mut best: Option<VideoFrame> = None;
    let mut frames_seen = 0usize;
    let mut done = false;
    let mut take_frames = |decoder: &mut ffmpeg_next::decoder::Video, best: &mut Option<VideoFrame>| -> bool {
        while decoder.receive_frame(&mut decoded).is_ok() {
            frames_seen += 1;
            let reached = decoded.timestamp().is_none_or(|ts| ts >= target_pts);
            *best = Some(decoded.clone());
            if reached || frames_seen >= MAX_FRAMES_AFTER_SEEK {
                return true;
            }
        }
        false
    };
    for (packet_stream, packet) in input.packets() {
        if packet_stream.index() != stream_index {
            continue;
        }
        // A damaged packet is skipped; the decoder resynchronises on the next keyframe.
        if decoder.send_packet(&packet).is_err() {
            continue;
        }
        if take_frames(&mut decoder, &mut best) {
            done = true;
            break;
        }
    }
    if !done {
        let _ = decoder.send_eof();
        take_frames(&mut decoder, &mut best);
    }
    best.map(|frame| to_rgb(&frame)).transpose()
}

fn to_rgb(frame: &VideoFrame) -> Result<RgbImage, MediaError> {
    let (width, height) = (frame.width(), frame.height());
    let mut scaler = Scaler::get(frame.format(), width, height, Pixel::RGB24, width, height, Flags::BICUBIC)
        .map_err(processing_error("setting up the pixel format conversion"))?;
    let mut rgb = VideoFrame::empty();
    scaler.run(frame, &mut rgb).map_err(processing_error("converting the frame to RGB"))?;
    let row_bytes = width as usize * 3;
    let stride = rgb.stride(0);
    let data = rgb.data(0);
    let mut pixels = Vec::with_capacity(row_bytes * height as usize);
    for y in 0..height as usize {
        let row =
            data.get(y * stride..y * stride + row_bytes).ok_or_else(|| MediaError::corrupt("short video frame"))?;
        pixels.extend_from_slice(row);
    }
    RgbImage::from_raw(width, height, pixels).ok_or_else(|| MediaError::corrupt("video frame of the wrong size"))
}

/// Average of all channels over a sparse grid of pixels.
fn mean_brightness(image: &RgbImage) -> f64 {
    let step = ((image.width() as usize * image.height() as usize) / 4096).max(1);
    let (sum, count) = image.pixels().step_by(step).fold((0u64, 0u64), |(sum, count), p| {
        (sum + u64::from(p.0[0]) + u64::from(p.0[1]) + u64::from(p.0[2]), count + 3)
    });
    if count == 0 { 0.0 } else { sum as f64 / count as f64 }
}
