//! HEIC/HEIF EXIF through libheif, which finds the `Exif` item wherever the file keeps it: Samsung
//! phones write the `meta` box after `mdat`, where nom-exif's HEIF reader does not look. The item
//! starts with a 4-byte offset to the TIFF header (ISO/IEC 23008-12 A.2.1); Samsung and Apple put
//! `Exif\0\0` before the header, Xiaomi a whole JPEG APP1 marker (`FF E1 len Exif\0\0`). The TIFF
//! block found this way is parsed by nom-exif like a TIFF file.

use std::path::Path;

use libheif_rs::HeifContext;
use nom_exif::{Exif, MediaParser, MediaSource};

/// How far into the item a TIFF header is looked for when the offset does not point at one.
const HEADER_SEARCH_BYTES: usize = 64;

/// The primary image's EXIF, or `None` when it has none or it cannot be read.
pub(crate) fn read_heif_exif(path: &Path) -> Option<Exif> {
    let context = HeifContext::read_from_file(path.to_str()?).ok()?;
    let handle = context.primary_image_handle().ok()?;
    let mut ids = [0; 8];
    let count = handle.metadata_block_ids(&mut ids, b"Exif");
    ids[..count].iter().find_map(|&id| {
        let item = handle.metadata(id).ok()?;
        let tiff = tiff_block(&item)?;
        match MediaParser::new().parse_exif(MediaSource::from_memory(tiff.to_vec()).ok()?) {
            Ok(iter) => Some(iter.into()),
            Err(error) => {
                tracing::debug!(path = %path.display(), %error, "the HEIF Exif item does not parse");
                None
            }
        }
    })
}

/// The primary image's size as it is shown: libheif reports it with the container's rotation and
/// mirroring (`irot`, `imir`) applied, which is also how it decodes the pixels.
pub(crate) fn upright_size(path: &Path) -> Option<(u32, u32)> {
    let context = HeifContext::read_from_file(path.to_str()?).ok()?;
    let handle = context.primary_image_handle().ok()?;
    Some((handle.width(), handle.height())).filter(|&(width, height)| width > 0 && height > 0)
}

/// The TIFF block inside a HEIF `Exif` item: where its offset says, else just after an
/// `Exif\0\0` near the start (with or without a JPEG APP1 marker before it).
fn tiff_block(item: &[u8]) -> Option<&[u8]> {
    let offset = u32::from_be_bytes(item.get(..4)?.try_into().ok()?) as usize;
    let body = &item[4..];
    if let Some(tiff) = body.get(offset..).filter(|tiff| is_tiff_header(tiff)) {
        return Some(tiff);
    }
    let head = &body[..body.len().min(HEADER_SEARCH_BYTES)];
    let start = head
        .windows(6)
        .position(|w| w == b"Exif\0\0")
        .map(|at| at + 6)
        .or_else(|| head.windows(4).position(is_tiff_header))?;
    Some(&body[start..]).filter(|tiff| is_tiff_header(tiff))
}

fn is_tiff_header(bytes: &[u8]) -> bool {
    bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIFF: &[u8] = b"II*\0\x08\0\0\0";

    #[test]
    fn the_offset_header_points_past_exif_and_app1_prefixes() {
        // Samsung and Apple: offset 6, "Exif\0\0".
        let samsung = [&[0, 0, 0, 6][..], b"Exif\0\0", TIFF].concat();
        assert_eq!(tiff_block(&samsung), Some(TIFF));
        // Xiaomi: offset 10 over an APP1 marker and its length.
        let xiaomi = [&[0, 0, 0, 10][..], &[0xFF, 0xE1, 0x38, 0x26], b"Exif\0\0", TIFF].concat();
        assert_eq!(tiff_block(&xiaomi), Some(TIFF));
        // A wrong offset (0) over such a prefix: found by looking for "Exif\0\0".
        let wrong_offset = [&[0, 0, 0, 0][..], &[0xFF, 0xE1, 0x38, 0x26], b"Exif\0\0", TIFF].concat();
        assert_eq!(tiff_block(&wrong_offset), Some(TIFF));
        assert_eq!(tiff_block(&[0, 0, 0, 0]), None);
        assert_eq!(tiff_block(b"\0\0\0\0not exif at all"), None);
    }
}
