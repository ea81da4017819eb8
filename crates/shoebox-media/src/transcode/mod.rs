//! Transcode: a web-playable copy of a video (H.264 + AAC in MP4, short side ≤ 720).
//!
//! The pipeline is FFmpeg's, driven by hand: demux → decode → filter graph → encode → mux.
//! Video goes through `buffer → [transpose] → scale → format=yuv420p → buffersink` into libx264
//! (CRF and preset from [`TranscodeSettings`]). The display rotation is applied to the pixels
//! by the filter graph, so the copy is stored upright and carries no rotation metadata. Audio,
//! when the input has any, goes through `abuffer → aformat → abuffersink` (planar float, mono or
//! stereo, a sample rate AAC supports, frames of exactly the encoder's frame size) into FFmpeg's
//! AAC encoder. An audio track that cannot be transcoded fails the whole job rather than
//! producing a silent copy. The MP4 is written with `+faststart` so browsers can start playing
//! before the whole file has arrived.

use std::path::Path;

use ffmpeg_next::codec::threading;
use ffmpeg_next::filter::Graph;
use ffmpeg_next::format::context::{Input, Output};
use ffmpeg_next::{Dictionary, Packet, Rational, Rescale, codec, decoder, encoder};

use crate::ffmpeg::{open_input, processing_error};
use crate::{MediaError, TranscodeSettings};

/// Writes a browser-playable MP4 of `input` to `output`.
///
/// The output is H.264 (yuv420p) with the short side at most `settings.max_short_side` (never
/// enlarged, both sides even), upright, plus AAC audio when the input has an audio track.
/// On failure the partly written `output` is removed.
pub fn transcode_to_mp4(input: &Path, output: &Path, settings: &TranscodeSettings) -> Result<(), MediaError> {
    let mut output_created = false;
    let result = transcode(input, output, settings, &mut output_created);
    if result.is_err() && output_created {
        let _ = std::fs::remove_file(output);
    }
    result
}

fn transcode(
    input_path: &Path,
    output_path: &Path,
    settings: &TranscodeSettings,
    output_created: &mut bool,
) -> Result<(), MediaError> {
    crate::discover::check_not_empty(input_path)?;
    if settings.max_short_side < 2 {
        return Err(MediaError::Ffmpeg(format!(
            "the target short side of {} pixels is too small",
            settings.max_short_side
        )));
    }
    let mut input = open_input(input_path)?;
    crate::discover::video::refuse_still_images(&input)?;

    let mut octx = ffmpeg_next::format::output_as(output_path, "mp4").map_err(|error| {
        MediaError::Ffmpeg(format!("cannot create the MP4 file {}: {error}", output_path.display()))
    })?;
    *output_created = true;
    let global_header = octx.format().flags().contains(ffmpeg_next::format::Flags::GLOBAL_HEADER);

    let mut video = VideoTranscoder::new(&input, &mut octx, settings, global_header)?;
    let mut audio = AudioTranscoder::new(&input, &mut octx, settings, global_header)?;

    let mut header_options = Dictionary::new();
    header_options.set("movflags", "+faststart");
    octx.write_header_with(header_options).map_err(processing_error("writing the MP4 header"))?;
    video.out_time_base = stream_time_base(&octx, video.out_index)?;
    if let Some(audio) = audio.as_mut() {
        audio.out_time_base = stream_time_base(&octx, audio.out_index)?;
    }

    // Timestamps are shifted so the copy starts at zero, as the ffmpeg command line does.
    // SAFETY: the format context is valid while `input` is; start_time is a plain integer.
    let start_time = match unsafe { (*input.as_ptr()).start_time } {
        t if t == ffmpeg_next::ffi::AV_NOPTS_VALUE => 0,
        t => t,
    };
    demux(&mut input, &mut octx, &mut video, audio.as_mut(), start_time)?;

    video.finish(&mut octx)?;
    if let Some(audio) = audio.as_mut() {
        audio.finish(&mut octx)?;
    }
    if video.frames_encoded == 0 {
        return Err(MediaError::corrupt("no video frame could be decoded"));
    }
    if let Some(audio) = &audio
        && audio.frames_decoded == 0
    {
        return Err(MediaError::corrupt("the audio track has no decodable sound; refusing to make a silent copy"));
    }
    octx.write_trailer().map_err(processing_error("finishing the MP4 file"))?;
    Ok(())
}

/// Reads every packet and feeds it to its transcoder. Damaged packets are skipped (the decoders
/// resynchronise); a read error that is not the end of the file fails the job.
fn demux(
    input: &mut Input,
    octx: &mut Output,
    video: &mut VideoTranscoder,
    mut audio: Option<&mut AudioTranscoder>,
    start_time: i64,
) -> Result<(), MediaError> {
    /// Unreadable packets in a row after which the file counts as garbage.
    const MAX_BAD_PACKETS_IN_A_ROW: usize = 1000;
    let time_bases: Vec<Rational> = input.streams().map(|s| s.time_base()).collect();
    let mut bad_packets = 0usize;
    loop {
        let mut packet = Packet::empty();
        match packet.read(input) {
            Ok(()) => bad_packets = 0,
            Err(ffmpeg_next::Error::Eof) => return Ok(()),
            Err(ffmpeg_next::Error::InvalidData) => {
                bad_packets += 1;
                if bad_packets >= MAX_BAD_PACKETS_IN_A_ROW {
                    return Err(MediaError::corrupt("the video data is unreadable"));
                }
                continue;
            }
            Err(error) => {
                return Err(MediaError::corrupt(format!("the video could not be read to its end: {error}")));
            }
        }
        let index = packet.stream();
        let Some(&time_base) = time_bases.get(index) else {
            continue;
        };
        if start_time != 0 {
            let shift = start_time.rescale(ffmpeg_next::rescale::TIME_BASE, time_base);
            if let Some(pts) = packet.pts() {
                packet.set_pts(Some(pts - shift));
            }
            if let Some(dts) = packet.dts() {
                packet.set_dts(Some(dts - shift));
            }
        }
        if index == video.in_index {
            video.send_packet(&packet, octx)?;
        } else if let Some(audio) = audio.as_deref_mut()
            && index == audio.in_index
        {
            audio.send_packet(&packet, octx)?;
        }
    }
}

fn stream_time_base(octx: &Output, index: usize) -> Result<Rational, MediaError> {
    octx.stream(index)
        .map(|s| s.time_base())
        .ok_or_else(|| MediaError::Ffmpeg("the MP4 muxer lost an output stream".into()))
}

/// Output size for a `width`×`height` picture (already turned upright): the short side is at
/// most `max_short_side`, the picture is never enlarged, and both sides are even (H.264 with
/// 4:2:0 chroma needs that).
pub(crate) fn target_size(width: u32, height: u32, max_short_side: u32) -> (u32, u32) {
    let even = |value: f64| ((value / 2.0).round() as u32 * 2).max(2);
    let short = width.min(height);
    if short <= max_short_side {
        return ((width & !1).max(2), (height & !1).max(2));
    }
    let short_target = (max_short_side & !1).max(2);
    let scale = f64::from(short_target) / f64::from(short);
    if width <= height {
        (short_target, even(f64::from(height) * scale))
    } else {
        (even(f64::from(width) * scale), short_target)
    }
}

/// Filters turning frames upright by `rotation` clockwise degrees.
fn rotation_filters(rotation: i32) -> &'static str {
    match rotation {
        90 => "transpose=clock,",
        180 => "hflip,vflip,",
        270 => "transpose=cclock,",
        _ => "",
    }
}

fn valid_rate(rate: Rational) -> Option<Rational> {
    (rate.numerator() > 0 && rate.denominator() > 0).then_some(rate)
}

fn open_decoder(
    stream: &ffmpeg_next::format::stream::Stream,
    what: &str,
    threads: usize,
) -> Result<decoder::Opened, MediaError> {
    let mut context = codec::context::Context::from_parameters(stream.parameters())
        .map_err(processing_error("reading the stream parameters"))?;
    context.set_threading(threading::Config::count(threads));
    let codec_id = stream.parameters().id();
    let Some(codec) = ffmpeg_next::decoder::find(codec_id) else {
        return Err(MediaError::Unsupported(format!("no {what} decoder for the codec {}", codec_id.name())));
    };
    context.decoder().open_as(codec).map_err(|error| match error {
        ffmpeg_next::Error::DecoderNotFound => MediaError::Unsupported(format!("no {what} decoder for this codec")),
        other => processing_error("opening the decoder")(other),
    })
}

/// Sends every packet the encoder has ready to the muxer.
fn drain_encoder(
    encoder: &mut encoder::encoder::Encoder,
    octx: &mut Output,
    out_index: usize,
    encoder_time_base: Rational,
    out_time_base: Rational,
) -> Result<(), MediaError> {
    let mut encoded = Packet::empty();
    loop {
        match encoder.receive_packet(&mut encoded) {
            Ok(()) => {
                encoded.set_stream(out_index);
                encoded.rescale_ts(encoder_time_base, out_time_base);
                encoded.set_position(-1);
                encoded.write_interleaved(octx).map_err(processing_error("writing to the MP4 file"))?;
            }
            Err(ffmpeg_next::Error::Eof) => return Ok(()),
            Err(ffmpeg_next::Error::Other { errno }) if errno == ffmpeg_next::util::error::EAGAIN => {
                return Ok(());
            }
            Err(error) => return Err(processing_error("encoding")(error)),
        }
    }
}

fn graph_error(what: &'static str) -> impl Fn(ffmpeg_next::Error) -> MediaError {
    move |error| MediaError::Ffmpeg(format!("{what}: {error}"))
}

/// Builds `source → spec → sink` and checks it.
fn build_graph(source: &str, source_args: &str, spec: &str, sink: &str) -> Result<Graph, MediaError> {
    let mut graph = Graph::new();
    let find = |name: &str| {
        ffmpeg_next::filter::find(name).ok_or_else(|| MediaError::Ffmpeg(format!("FFmpeg has no {name} filter")))
    };
    graph.add(&find(source)?, "in", source_args).map_err(graph_error("setting up the filter graph input"))?;
    graph.add(&find(sink)?, "out", "").map_err(graph_error("setting up the filter graph output"))?;
    graph
        .output("in", 0)
        .and_then(|parser| parser.input("out", 0))
        .and_then(|parser| parser.parse(spec))
        .map_err(graph_error("parsing the filter graph"))?;
    graph.validate().map_err(graph_error("configuring the filter graph"))?;
    Ok(graph)
}

fn graph_end(graph: &mut Graph, name: &str) -> Result<ffmpeg_next::filter::Context, MediaError> {
    graph.get(name).ok_or_else(|| MediaError::Ffmpeg(format!("the filter graph has no \"{name}\" end")))
}

mod audio;
mod video;

use audio::AudioTranscoder;
use video::VideoTranscoder;

#[cfg(test)]
mod tests {
    use super::{rotation_filters, target_size};

    #[test]
    fn short_side_is_capped_never_enlarged_and_even() {
        assert_eq!(target_size(1920, 1080, 720), (1280, 720));
        assert_eq!(target_size(1080, 1920, 720), (720, 1280));
        assert_eq!(target_size(1280, 720, 720), (1280, 720));
        assert_eq!(target_size(640, 272, 720), (640, 272));
        assert_eq!(target_size(321, 241, 720), (320, 240));
        assert_eq!(target_size(640, 272, 200), (470, 200));
        assert_eq!(target_size(1, 1, 720), (2, 2));
        assert_eq!(target_size(4000, 3000, 721), (960, 720));
    }

    #[test]
    fn rotations_become_transposes() {
        assert_eq!(rotation_filters(0), "");
        assert_eq!(rotation_filters(90), "transpose=clock,");
        assert_eq!(rotation_filters(270), "transpose=cclock,");
        assert_eq!(rotation_filters(180), "hflip,vflip,");
    }
}
