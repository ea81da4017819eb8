//! Shoebox's media work, "discover and generate": read what a photo or video says about itself
//! (dimensions, camera, date, place, codecs), make its preview and thumbnail, and transcode
//! videos browsers cannot play. No database or queue code lives here: every function takes a
//! path and returns plain data, synchronously and CPU-bound, so the worker runs them in
//! `spawn_blocking`. Bad input never panics: it comes back as a [`MediaError`] whose message can
//! be shown to the user as "job failed: <reason>".
//!
//! The modules follow the data flow:
//! [`discover`] → [`decode`] → [`orient`] → [`resize`] → [`encode`], tied together by
//! [`generate`]; [`transcode`] re-encodes videos. [`ffmpeg`] holds the shared FFmpeg set-up.

pub mod decode;
pub mod discover;
pub mod encode;
pub mod error;
pub mod ffmpeg;
pub mod generate;
pub mod memory;
pub mod orient;
pub mod resize;
pub mod settings;
pub mod transcode;

pub use discover::{MediaMetadata, discover, needs_transcode};
pub use error::MediaError;
pub use generate::{Derivatives, generate_image, generate_video};
pub use memory::DecodeMemory;
pub use settings::{Limits, ThumbnailSettings, TranscodeSettings};
pub use transcode::transcode_to_mp4;
