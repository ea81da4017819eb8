//! The audio half of a transcode: decoded samples resampled into AAC-sized frames and encoded.

use ffmpeg_next::filter::Graph;
use ffmpeg_next::format::context::{Input, Output};
use ffmpeg_next::format::{Sample, sample::Type as SampleType};
use ffmpeg_next::media::Type;
use ffmpeg_next::util::frame::audio::Audio as AudioFrame;
use ffmpeg_next::{ChannelLayout, Dictionary, Packet, Rational, Rescale, codec, decoder, encoder};

use super::{build_graph, drain_encoder, graph_end, open_decoder, valid_rate};
use crate::ffmpeg::processing_error;
use crate::{MediaError, TranscodeSettings};

pub(super) struct AudioTranscoder {
    pub(super) in_index: usize,
    pub(super) out_index: usize,
    pub(super) decoder: decoder::Audio,
    pub(super) in_time_base: Rational,
    pub(super) encoder: encoder::audio::Encoder,
    pub(super) encoder_time_base: Rational,
    pub(super) out_time_base: Rational,
    /// Everything after the `abuffer` source: sample format, rate and channel layout.
    pub(super) filter_spec: String,
    pub(super) graph: Option<(Graph, AudioKey)>,
    /// Where the next frame starts when the filter output has no timestamp, in encoder units.
    pub(super) next_pts: i64,
    pub(super) frames_decoded: usize,
}

/// What an `abuffer` source is configured for: sample format, rate and channel layout bits.
type AudioKey = (Sample, u32, u64);

impl AudioTranscoder {
    /// `None` when the input has no audio track.
    pub(super) fn new(
        input: &Input,
        octx: &mut Output,
        settings: &TranscodeSettings,
        global_header: bool,
    ) -> Result<Option<Self>, MediaError> {
        let Some(stream) = input.streams().best(Type::Audio) else {
            return Ok(None);
        };
        let decoder = open_decoder(&stream, "audio", settings.threads)?
            .audio()
            .map_err(processing_error("opening the audio decoder"))?;
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

    pub(super) fn send_packet(&mut self, packet: &Packet, octx: &mut Output) -> Result<(), MediaError> {
        if let Err(error) = self.decoder.send_packet(packet) {
            tracing::debug!(%error, "skipping an audio packet the decoder refused");
            return Ok(());
        }
        self.receive_frames(octx)
    }

    pub(super) fn receive_frames(&mut self, octx: &mut Output) -> Result<(), MediaError> {
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

    pub(super) fn filter_frame(&mut self, frame: &AudioFrame, octx: &mut Output) -> Result<(), MediaError> {
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

    pub(super) fn pull_filtered(&mut self, octx: &mut Output) -> Result<(), MediaError> {
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

    pub(super) fn flush_graph(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            graph_end(graph, "in")?.source().flush().map_err(processing_error("flushing the audio filters"))?;
        }
        self.pull_filtered(octx)
    }

    pub(super) fn finish(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if self.decoder.send_eof().is_ok() {
            self.receive_frames(octx)?;
        }
        self.flush_graph(octx)?;
        self.encoder.send_eof().map_err(processing_error("finishing the AAC stream"))?;
        drain_encoder(&mut self.encoder, octx, self.out_index, self.encoder_time_base, self.out_time_base)
    }
}
