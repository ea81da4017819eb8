//! The video half of a transcode: decoded frames through the scale/rotate filter graph into libx264.

use ffmpeg_next::filter::Graph;
use ffmpeg_next::format::Pixel;
use ffmpeg_next::format::context::{Input, Output};
use ffmpeg_next::media::Type;
use ffmpeg_next::util::frame::video::Video as VideoFrame;
use ffmpeg_next::{Dictionary, Packet, Rational, Rescale, codec, decoder, encoder};

use super::{build_graph, drain_encoder, graph_end, open_decoder, rotation_filters, target_size, valid_rate};
use crate::ffmpeg::{display_rotation, processing_error};
use crate::{Limits, MediaError, TranscodeSettings};

pub(super) struct VideoTranscoder {
    pub(super) in_index: usize,
    pub(super) out_index: usize,
    pub(super) decoder: decoder::Video,
    pub(super) encoder: encoder::video::Encoder,
    pub(super) encoder_time_base: Rational,
    pub(super) out_time_base: Rational,
    /// Everything after the `buffer` source: rotation, scaling and pixel format.
    pub(super) filter_spec: String,
    pub(super) frame_rate: Option<Rational>,
    /// The graph and the input (width, height, format) it was built for; rebuilt when the
    /// decoded frames change size or format mid-stream.
    pub(super) graph: Option<(Graph, (u32, u32, Pixel))>,
    pub(super) frames_encoded: usize,
}

impl VideoTranscoder {
    pub(super) fn new(
        input: &Input,
        octx: &mut Output,
        settings: &TranscodeSettings,
        global_header: bool,
    ) -> Result<Self, MediaError> {
        let stream =
            input.streams().best(Type::Video).ok_or_else(|| MediaError::corrupt("the file has no video stream"))?;
        let decoder = open_decoder(&stream, "video", settings.threads)?
            .video()
            .map_err(processing_error("opening the video decoder"))?;
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
        if settings.threads > 0 {
            options.set("threads", &settings.threads.to_string());
        }
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

    pub(super) fn send_packet(&mut self, packet: &Packet, octx: &mut Output) -> Result<(), MediaError> {
        // A damaged packet is skipped; the decoder resynchronises on the next keyframe.
        if let Err(error) = self.decoder.send_packet(packet) {
            tracing::debug!(%error, "skipping a video packet the decoder refused");
            return Ok(());
        }
        self.receive_frames(octx)
    }

    pub(super) fn receive_frames(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        let mut decoded = VideoFrame::empty();
        while self.decoder.receive_frame(&mut decoded).is_ok() {
            let timestamp = decoded.timestamp();
            decoded.set_pts(timestamp);
            self.filter_frame(&decoded, octx)?;
        }
        Ok(())
    }

    pub(super) fn filter_frame(&mut self, frame: &VideoFrame, octx: &mut Output) -> Result<(), MediaError> {
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

    pub(super) fn build_graph(&self, frame: &VideoFrame) -> Result<Graph, MediaError> {
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
    pub(super) fn decoder_time_base(&self) -> Rational {
        self.encoder_time_base
    }

    pub(super) fn pull_filtered(&mut self, octx: &mut Output) -> Result<(), MediaError> {
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

    pub(super) fn flush_graph(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            graph_end(graph, "in")?.source().flush().map_err(processing_error("flushing the video filters"))?;
        }
        self.pull_filtered(octx)
    }

    /// Drains the decoder, the filter graph and the encoder.
    pub(super) fn finish(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if self.decoder.send_eof().is_ok() {
            self.receive_frames(octx)?;
        }
        self.flush_graph(octx)?;
        self.encoder.send_eof().map_err(processing_error("finishing the H.264 stream"))?;
        drain_encoder(&mut self.encoder, octx, self.out_index, self.encoder_time_base, self.out_time_base)
    }
}
