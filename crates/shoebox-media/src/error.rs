//! The one error type of this crate. Every message is written for people: the worker shows it
//! as "job failed: <message>".

/// Why a media file could not be read or processed.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// A format Shoebox cannot read (yet), e.g. AVIF or a RAW file.
    #[error("unsupported format: {0}")]
    Unsupported(String),
    /// The file is damaged, truncated, empty, or not what its type says.
    #[error("file is damaged or not a valid image/video: {0}")]
    Corrupt(String),
    /// Refused before decoding: too many pixels (a possible decompression bomb).
    #[error("image too large: {width}×{height} pixels exceeds the limit of {max_pixels} pixels")]
    TooLarge { width: u32, height: u32, max_pixels: u64 },
    /// Refused before decoding: decoding would hold more memory than the worker's decode
    /// ceiling (`SHOEBOX_DECODE_MEMORY_BYTES`) allows.
    #[error(
        "image too large to decode: {what} needs {} of memory, more than the {} allowed for decoding (SHOEBOX_DECODE_MEMORY_BYTES)",
        crate::memory::human_bytes(*needed),
        crate::memory::human_bytes(*ceiling)
    )]
    NeedsTooMuchMemory { what: String, needed: u64, ceiling: u64 },
    #[error("file could not be read or written: {0}")]
    Io(#[from] std::io::Error),
    /// An FFmpeg failure that is not clearly the file's fault.
    #[error("video processing failed: {0}")]
    Ffmpeg(String),
    /// A codec library failed to set up or to write the preview or thumbnail.
    #[error("could not encode the preview or thumbnail: {0}")]
    Encode(String),
}

impl MediaError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        MediaError::Corrupt(what.to_string())
    }
}
