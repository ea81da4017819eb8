//! Which files Shoebox accepts, decided from their first bytes rather than their names.

use crate::domain::AssetType;

/// A recognised media format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaFormat {
    pub asset_type: AssetType,
    pub mime: &'static str,
    /// Extension without the dot, used for the stored file's name.
    pub extension: &'static str,
}

/// How many leading bytes `detect` needs to see.
pub const SNIFF_LEN: usize = 8192;

/// Extensions (with the dot, as Immich's `/server/media-types` lists them) Shoebox accepts.
pub const IMAGE_EXTENSIONS: &[&str] = &[
    ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".heic", ".heif", ".avif", ".tif", ".tiff", ".bmp", ".jxl",
    ".dng", ".cr2", ".nef", ".arw", ".orf", ".rw2",
];
pub const VIDEO_EXTENSIONS: &[&str] =
    &[".mp4", ".m4v", ".mov", ".qt", ".webm", ".mkv", ".avi", ".3gp", ".mpg", ".mpeg", ".mts", ".m2ts", ".wmv", ".flv"];

/// Recognises a supported image or video from its leading bytes; `None` for anything else.
pub fn detect(head: &[u8]) -> Option<MediaFormat> {
    let kind = infer::get(head)?;
    let asset_type = match kind.matcher_type() {
        infer::MatcherType::Image => AssetType::Image,
        infer::MatcherType::Video => AssetType::Video,
        _ => return None,
    };
    let extension = match kind.mime_type() {
        // infer names these by their container only; keep the names people know.
        "image/jpeg" => "jpg",
        "image/tiff" => "tif",
        "video/quicktime" => "mov",
        "image/vnd.adobe.photoshop" | "image/vnd.microsoft.icon" | "image/x-icon" => return None,
        _ => kind.extension(),
    };
    Some(MediaFormat { asset_type, mime: kind.mime_type(), extension })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_png_and_mp4_are_recognised_by_content() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
        assert_eq!(detect(&jpeg).unwrap().extension, "jpg");
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];
        assert_eq!(detect(&png).unwrap().mime, "image/png");
        let mp4 = [0, 0, 0, 0x18, b'f', b't', b'y', b'p', b'm', b'p', b'4', b'2', 0, 0, 0, 0];
        let format = detect(&mp4).unwrap();
        assert_eq!(format.asset_type, AssetType::Video);
    }

    #[test]
    fn text_and_empty_files_are_refused() {
        assert!(detect(b"hello, this is not a photo").is_none());
        assert!(detect(b"").is_none());
        assert!(detect(b"%PDF-1.7\n").is_none());
    }
}
