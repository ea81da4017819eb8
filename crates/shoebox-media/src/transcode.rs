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
use ffmpeg_next::format::{Pixel, Sample, sample::Type as SampleType};
use ffmpeg_next::media::Type;
use ffmpeg_next::util::frame::audio::Audio as AudioFrame;
use ffmpeg_next::util::frame::video::Video as VideoFrame;
use ffmpeg_next::{ChannelLayout, Dictionary, Packet, Rational, Rescale, codec, decoder, encoder};

use crate::ffmpeg::{display_rotation, open_input, processing_error};
use crate::{Limits, MediaError, TranscodeSettings};

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

fn open_decoder(stream: &ffmpeg_next::format::stream::Stream, what: &str) -> Result<decoder::Opened, MediaError> {
    let mut context = codec::context::Context::from_parameters(stream.parameters())
        .map_err(processing_error("reading the stream parameters"))?;
    context.set_threading(threading::Config::count(0));
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

struct VideoTranscoder {
    in_index: usize,
    out_index: usize,
    decoder: decoder::Video,
    encoder: encoder::video::Encoder,
    encoder_time_base: Rational,
    out_time_base: Rational,
    /// Everything after the `buffer` source: rotation, scaling and pixel format.
    filter_spec: String,
    frame_rate: Option<Rational>,
    /// The graph and the input (width, height, format) it was built for; rebuilt when the
    /// decoded frames change size or format mid-stream.
    graph: Option<(Graph, (u32, u32, Pixel))>,
    frames_encoded: usize,
}

impl VideoTranscoder {
    fn new(
        input: &Input,
        octx: &mut Output,
        settings: &TranscodeSettings,
        global_header: bool,
    ) -> Result<Self, MediaError> {
        let stream =
            input.streams().best(Type::Video).ok_or_else(|| MediaError::corrupt("the file has no video stream"))?;
        let decoder = open_decoder(&stream, "video")?.video().map_err(processing_error("opening the video decoder"))?;
        let (width, height) = (decoder.width(), decoder.height());
        Limits::default().check(width, height)?;

        let rotation = display_rotation(&stream);
        let quarter_turn = rotation == 90 || rotation == 270;
        let (upright_width, upright_height) = if quarter_turn { (height, width) } else { (width, height) };
        let (out_width, out_height) = target_size(upright_width, upright_height, settings.max_short_side);
        let filter_spec = format!("{}scale={out_width}:{out_height},format=yuv420p", rotation_filters(rotation));

        let frame_rate = valid_rate(stream.avg_frame_rate()).or_else(|| valid_rate(stream.rate()));
        let time_base = valid_rate(stream.time_base())
            .ok_or_else(|| MediaError::corrupt("the video stream has no valid time base"))?;
        let mut aspect = decoder.aspect_ratio();
        if valid_rate(aspect).is_none() {
            aspect = Rational::new(1, 1);
        } else if quarter_turn {
            aspect = aspect.invert();
        }

        let codec = encoder::find_by_name("libx264")
            .ok_or_else(|| MediaError::Ffmpeg("FFmpeg was built without the libx264 H.264 encoder".into()))?;
        let mut encoder = codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(processing_error("setting up the H.264 encoder"))?;
        encoder.set_width(out_width);
        encoder.set_height(out_height);
        encoder.set_format(Pixel::YUV420P);
        encoder.set_time_base(time_base);
        encoder.set_frame_rate(frame_rate);
        encoder.set_aspect_ratio(aspect);
        if global_header {
            encoder.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let mut options = Dictionary::new();
        options.set("crf", &settings.crf.to_string());
        options.set("preset", &settings.preset);
        options.set("profile", "high");
        let encoder = encoder.open_with(options).map_err(|error| {
            MediaError::Ffmpeg(format!(
                "could not open the H.264 encoder (preset \"{}\", crf {}): {error}",
                settings.preset, settings.crf
            ))
        })?;

        let mut out_stream =
            octx.add_stream(codec).map_err(processing_error("adding the video stream to the MP4 file"))?;
        out_stream.set_parameters(&encoder);
        out_stream.set_time_base(time_base);
        if let Some(rate) = frame_rate {
            out_stream.set_avg_frame_rate(rate);
        }
        let out_index = out_stream.index();

        Ok(VideoTranscoder {
            in_index: stream.index(),
            out_index,
            decoder,
            encoder_time_base: encoder.time_base(),
            encoder,
            out_time_base: time_base,
            filter_spec,
            frame_rate,
            graph: None,
            frames_encoded: 0,
        })
    }

    fn send_packet(&mut self, packet: &Packet, octx: &mut Output) -> Result<(), MediaError> {
        // A damaged packet is skipped; the decoder resynchronises on the next keyframe.
        if let Err(error) = self.decoder.send_packet(packet) {
            tracing::debug!(%error, "skipping a video packet the decoder refused");
            return Ok(());
        }
        self.receive_frames(octx)
    }

    fn receive_frames(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        let mut decoded = VideoFrame::empty();
        while self.decoder.receive_frame(&mut decoded).is_ok() {
            let timestamp = decoded.timestamp();
            decoded.set_pts(timestamp);
            self.filter_frame(&decoded, octx)?;
        }
        Ok(())
    }

    fn filter_frame(&mut self, frame: &VideoFrame, octx: &mut Output) -> Result<(), MediaError> {
        let key = (frame.width(), frame.height(), frame.format());
        if key.0 == 0 || key.1 == 0 || key.2 == Pixel::None {
            return Err(MediaError::corrupt("the decoder produced an empty video frame"));
        }
        if self.graph.as_ref().is_none_or(|(_, built_for)| *built_for != key) {
            // Frames still inside an old graph are pushed out before it is replaced.
            if self.graph.is_some() {
                self.flush_graph(octx)?;
            }
            let graph = self.build_graph(frame)?;
            self.graph = Some((graph, key));
        }
        let Some((graph, _)) = self.graph.as_mut() else {
            return Ok(());
        };
        graph_end(graph, "in")?.source().add(frame).map_err(processing_error("scaling a video frame"))?;
        self.pull_filtered(octx)
    }

    fn build_graph(&self, frame: &VideoFrame) -> Result<Graph, MediaError> {
        let time_base = self.decoder_time_base();
        let aspect = valid_rate(frame.aspect_ratio()).unwrap_or(Rational::new(1, 1));
        let mut args = format!(
            "video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}",
            frame.width(),
            frame.height(),
            ffmpeg_next::ffi::AVPixelFormat::from(frame.format()) as i32,
            time_base.numerator(),
            time_base.denominator(),
            aspect.numerator(),
            aspect.denominator(),
        );
        if let Some(rate) = self.frame_rate {
            args.push_str(&format!(":frame_rate={}/{}", rate.numerator(), rate.denominator()));
        }
        build_graph("buffer", &args, &self.filter_spec, "buffersink")
    }

    /// Packets reach the decoder in the input stream's time base, which the encoder also uses.
    fn decoder_time_base(&self) -> Rational {
        self.encoder_time_base
    }

    fn pull_filtered(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        let Some((graph, _)) = self.graph.as_mut() else {
            return Ok(());
        };
        let mut sink = graph_end(graph, "out")?;
        let sink_time_base = sink.sink().time_base();
        let mut filtered = VideoFrame::empty();
        while sink.sink().frame(&mut filtered).is_ok() {
            let pts = filtered.pts().map(|pts| pts.rescale(sink_time_base, self.encoder_time_base));
            filtered.set_pts(pts);
            filtered.set_kind(ffmpeg_next::picture::Type::None);
            self.encoder.send_frame(&filtered).map_err(processing_error("encoding a video frame"))?;
            self.frames_encoded += 1;
            drain_encoder(&mut self.encoder, octx, self.out_index, self.encoder_time_base, self.out_time_base)?;
        }
        Ok(())
    }

    fn flush_graph(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            graph_end(graph, "in")?.source().flush().map_err(processing_error("flushing the video filters"))?;
        }
        self.pull_filtered(octx)
    }

    /// Drains the decoder, the filter graph and the encoder.
    fn finish(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if self.decoder.send_eof().is_ok() {
            self.receive_frames(octx)?;
        }
        self.flush_graph(octx)?;
        self.encoder.send_eof().map_err(processing_error("finishing the H.264 stream"))?;
        drain_encoder(&mut self.encoder, octx, self.out_index, self.encoder_time_base, self.out_time_base)
    }
}

struct AudioTranscoder {
    in_index: usize,
    out_index: usize,
    decoder: decoder::Audio,
    in_time_base: Rational,
    encoder: encoder::audio::Encoder,
    encoder_time_base: Rational,
    out_time_base: Rational,
    /// Everything after the `abuffer` source: sample format, rate and channel layout.
    filter_spec: String,
    graph: Option<(Graph, AudioKey)>,
    /// Where the next frame starts when the filter output has no timestamp, in encoder units.
    next_pts: i64,
    frames_decoded: usize,
}

/// What an `abuffer` source is configured for: sample format, rate and channel layout bits.
type AudioKey = (Sample, u32, u64);

impl AudioTranscoder {
    /// `None` when the input has no audio track.
    fn new(
        input: &Input,
        octx: &mut Output,
        settings: &TranscodeSettings,
        global_header: bool,
    ) -> Result<Option<Self>, MediaError> {
        let Some(stream) = input.streams().best(Type::Audio) else {
            return Ok(None);
        };
        let decoder = open_decoder(&stream, "audio")?.audio().map_err(processing_error("opening the audio decoder"))?;
        let in_time_base = valid_rate(stream.time_base())
            .ok_or_else(|| MediaError::corrupt("the audio stream has no valid time base"))?;

        let codec = encoder::find_by_name("aac")
            .ok_or_else(|| MediaError::Ffmpeg("FFmpeg was built without the AAC encoder".into()))?;
        let audio_codec = codec.audio().map_err(processing_error("looking up the AAC encoder"))?;
        let input_rate = decoder.rate();
        // Keep the input's sample rate when AAC supports it.
        let supported =
            audio_codec.rates().is_some_and(|mut rates| rates.any(|r| i64::from(r) == i64::from(input_rate)));
        let rate = if input_rate > 0 && supported { input_rate } else { 48_000 };
        let (layout, layout_name) =
            if decoder.channels() == 1 { (ChannelLayout::MONO, "mono") } else { (ChannelLayout::STEREO, "stereo") };
        let sample_format = Sample::F32(SampleType::Planar);
        let encoder_time_base = Rational::new(1, rate as i32);

        let mut encoder = codec::context::Context::new_with_codec(codec)
            .encoder()
            .audio()
            .map_err(processing_error("setting up the AAC encoder"))?;
        encoder.set_rate(rate as i32);
        encoder.set_channel_layout(layout);
        encoder.set_channels(layout.channels());
        encoder.set_format(sample_format);
        encoder.set_bit_rate(settings.audio_bitrate);
        encoder.set_time_base(encoder_time_base);
        if global_header {
            encoder.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let encoder = encoder
            .open_with(Dictionary::new())
            .map_err(|error| MediaError::Ffmpeg(format!("could not open the AAC encoder: {error}")))?;

        let mut out_stream =
            octx.add_stream(codec).map_err(processing_error("adding the audio stream to the MP4 file"))?;
        out_stream.set_parameters(&encoder);
        out_stream.set_time_base(encoder_time_base);
        let out_index = out_stream.index();

        Ok(Some(AudioTranscoder {
            in_index: stream.index(),
            out_index,
            decoder,
            in_time_base,
            encoder,
            encoder_time_base,
            out_time_base: encoder_time_base,
            filter_spec: format!("aformat=sample_fmts=fltp:sample_rates={rate}:channel_layouts={layout_name}"),
            graph: None,
            next_pts: 0,
            frames_decoded: 0,
        }))
    }

    fn send_packet(&mut self, packet: &Packet, octx: &mut Output) -> Result<(), MediaError> {
        if let Err(error) = self.decoder.send_packet(packet) {
            tracing::debug!(%error, "skipping an audio packet the decoder refused");
            return Ok(());
        }
        self.receive_frames(octx)
    }

    fn receive_frames(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        let mut decoded = AudioFrame::empty();
        while self.decoder.receive_frame(&mut decoded).is_ok() {
            self.frames_decoded += 1;
            let timestamp = decoded.timestamp();
            decoded.set_pts(timestamp);
            if decoded.channel_layout().bits() == 0 {
                decoded.set_channel_layout(ChannelLayout::default(i32::from(decoded.channels())));
            }
            self.filter_frame(&decoded, octx)?;
        }
        Ok(())
    }

    fn filter_frame(&mut self, frame: &AudioFrame, octx: &mut Output) -> Result<(), MediaError> {
        let key: AudioKey = (frame.format(), frame.rate(), frame.channel_layout().bits());
        if key.1 == 0 || key.2 == 0 || key.0 == Sample::None {
            return Err(MediaError::corrupt("the audio decoder produced an empty frame"));
        }
        if self.graph.as_ref().is_none_or(|(_, built_for)| *built_for != key) {
            if self.graph.is_some() {
                self.flush_graph(octx)?;
            }
            let args = format!(
                "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
                self.in_time_base.numerator(),
                self.in_time_base.denominator(),
                key.1,
                key.0.name(),
                key.2,
            );
            let mut graph = build_graph("abuffer", &args, &self.filter_spec, "abuffersink")?;
            // AAC takes frames of exactly frame_size samples (only the last may be shorter).
            let frame_size = self.encoder.frame_size();
            if frame_size > 0 {
                graph_end(&mut graph, "out")?.sink().set_frame_size(frame_size);
            }
            self.graph = Some((graph, key));
        }
        let Some((graph, _)) = self.graph.as_mut() else {
            return Ok(());
        };
        graph_end(graph, "in")?.source().add(frame).map_err(processing_error("converting the audio"))?;
        self.pull_filtered(octx)
    }

    fn pull_filtered(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        let Some((graph, _)) = self.graph.as_mut() else {
            return Ok(());
        };
        let mut sink = graph_end(graph, "out")?;
        let sink_time_base = sink.sink().time_base();
        let mut filtered = AudioFrame::empty();
        while sink.sink().frame(&mut filtered).is_ok() {
            let pts =
                filtered.pts().map(|pts| pts.rescale(sink_time_base, self.encoder_time_base)).unwrap_or(self.next_pts);
            filtered.set_pts(Some(pts));
            self.next_pts = pts + filtered.samples() as i64;
            self.encoder.send_frame(&filtered).map_err(processing_error("encoding the audio"))?;
            drain_encoder(&mut self.encoder, octx, self.out_index, self.encoder_time_base, self.out_time_base)?;
        }
        Ok(())
    }

    fn flush_graph(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            graph_end(graph, "in")?.source().flush().map_err(processing_error("flushing the audio filters"))?;
        }
        self.pull_filtered(octx)
    }

    fn finish(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if self.decoder.send_eof().is_ok() {
            self.receive_frames(octx)?;
        }
        self.flush_graph(octx)?;
        self.encoder.send_eof().map_err(processing_error("finishing the AAC stream"))?;
        drain_encoder(&mut self.encoder, octx, self.out_index, self.encoder_time_base, self.out_time_base)
    }
}

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
