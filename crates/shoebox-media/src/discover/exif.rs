//! Image metadata: dimensions from the file header (no decoding) and EXIF through `nom-exif`
//! (JPEG, PNG, WebP, TIFF; HEIC/HEIF's EXIF item is found by libheif, see `heif_exif`). A
//! missing or damaged EXIF block is not an error: the photo simply has no camera data. A file
//! whose header cannot be read at all, or that says it has no pixels, is.

use std::io::Read;
use std::path::Path;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use nom_exif::{EntryValue, Exif, ExifTag, IfdIndex, MediaParser, MediaSource};

use super::MediaMetadata;
use crate::MediaError;

/// EXIF "Rating" (Microsoft/XMP mirror in IFD0); nom-exif has no name for it.
const RATING_TAG: u16 = 0x4746;
/// XMP packets sit near the start of the file; reading this much finds them in practice.
const XMP_SEARCH_BYTES: u64 = 512 * 1024;

pub(crate) fn discover_image(path: &Path, mime: &str) -> Result<MediaMetadata, MediaError> {
    let size = imagesize::size(path).map_err(|e| match e {
        imagesize::ImageError::IoError(io) => MediaError::Io(io),
        other => MediaError::corrupt(format!("cannot read the image header ({mime}): {other}")),
    })?;
    if size.width == 0 || size.height == 0 {
        return Err(MediaError::corrupt(format!("the image has no pixels ({}×{})", size.width, size.height)));
    }
    let mut meta = MediaMetadata {
        width: u32::try_from(size.width).ok(),
        height: u32::try_from(size.height).ok(),
        ..MediaMetadata::default()
    };
    let heif = crate::decode::is_heif(path);
    if heif && let Some((width, height)) = super::heif_exif::upright_size(path) {
        (meta.width, meta.height, meta.size_is_upright) = (Some(width), Some(height), true);
    }
    let exif = if heif { super::heif_exif::read_heif_exif(path).or_else(|| read_exif(path)) } else { read_exif(path) };
    if let Some(exif) = exif {
        apply_exif(&exif, &mut meta);
    }
    apply_xmp(path, &mut meta)?;
    Ok(meta)
}

/// The file's EXIF, or `None` when it has none or it cannot be parsed.
pub(crate) fn read_exif(path: &Path) -> Option<Exif> {
    let source = MediaSource::open(path).ok()?;
    match MediaParser::new().parse_exif(source) {
        Ok(iter) => Some(iter.into()),
        Err(error) => {
            tracing::debug!(path = %path.display(), %error, "no usable EXIF");
            None
        }
    }
}

pub(crate) fn apply_exif(exif: &Exif, meta: &mut MediaMetadata) {
    let text = |tag| exif.get(tag).and_then(EntryValue::as_str).map(clean_text).filter(|s| !s.is_empty());
    let number = |tag| exif.get(tag).and_then(EntryValue::try_as_float).filter(|v| v.is_finite());

    meta.orientation = exif.get(ExifTag::Orientation).and_then(as_u32).and_then(|v| u16::try_from(v).ok());
    meta.orientation = meta.orientation.filter(|o| (1..=8).contains(o));
    meta.make = text(ExifTag::Make);
    meta.model = text(ExifTag::Model);
    meta.lens_model = text(ExifTag::LensModel);
    meta.description = text(ExifTag::ImageDescription);
    meta.exposure_time = exif.get(ExifTag::ExposureTime).and_then(format_exposure_time);
    meta.f_number = number(ExifTag::FNumber).filter(|v| *v > 0.0);
    meta.focal_length = number(ExifTag::FocalLength).filter(|v| *v > 0.0);
    meta.iso = exif.get(ExifTag::ISOSpeedRatings).and_then(as_u32).filter(|v| *v > 0);
    meta.rating = exif.get_by_code(IfdIndex::MAIN, RATING_TAG).and_then(as_u32).map(|v| v.min(5) as i32);

    let taken = exif.get(ExifTag::DateTimeOriginal).or_else(|| exif.get(ExifTag::CreateDate));
    if let Some(taken) = taken.and_then(EntryValue::as_datetime) {
        meta.date_time_original = Some(taken.into_naive()).filter(plausible_date);
        meta.offset = taken.aware().map(|dt| *dt.offset()).filter(|_| meta.date_time_original.is_some());
    }
    if let (Some(local), None) = (meta.date_time_original, meta.offset) {
        meta.offset = gps_utc(exif).and_then(|utc| offset_between(local, utc));
    }
    meta.modify_date =
        exif.get(ExifTag::ModifyDate).and_then(EntryValue::as_datetime).map(|d| d.into_naive()).filter(plausible_date);

    if let Some(gps) = exif.gps_info() {
        set_position(meta, gps.latitude_decimal(), gps.longitude_decimal());
    }
}

/// The UTC time of the GPS fix (GPSDateStamp + GPSTimeStamp), which phones without
/// OffsetTimeOriginal (Xiaomi) still write.
fn gps_utc(exif: &Exif) -> Option<NaiveDateTime> {
    let date = exif.get(ExifTag::GPSDateStamp).and_then(EntryValue::as_str)?;
    let date = NaiveDate::parse_from_str(date.trim_matches('\0').trim(), "%Y:%m:%d").ok()?;
    let EntryValue::URationalArray(hms) = exif.get(ExifTag::GPSTimeStamp)? else {
        return None;
    };
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    let seconds = [h, m, s].iter().zip([3600.0, 60.0, 1.0]).try_fold(0.0, |sum, (part, unit)| {
        let value = part.to_f64()?;
        (value.is_finite() && value >= 0.0).then_some(sum + value * unit)
    })?;
    (seconds < 86_400.0).then(|| date.and_time(NaiveTime::MIN) + TimeDelta::milliseconds((seconds * 1000.0) as i64))
}

/// The UTC offset of a wall-clock time, from the UTC time of a GPS fix taken with it: the
/// difference rounded to the quarter hour (every real offset is one), trusted only when the
/// fix is at most five minutes off that and the offset is a real one (±14 h).
fn offset_between(local: NaiveDateTime, utc: NaiveDateTime) -> Option<FixedOffset> {
    const QUARTER_HOUR: i64 = 15 * 60;
    let difference = (local - utc).num_seconds();
    let rounded = (difference as f64 / QUARTER_HOUR as f64).round() as i64 * QUARTER_HOUR;
    if (difference - rounded).abs() > 5 * 60 || rounded.abs() > 14 * 3600 {
        return None;
    }
    FixedOffset::east_opt(i32::try_from(rounded).ok()?)
}

/// Stores a GPS position if it is a real one: within range and not the 0,0 of a camera that
/// had no fix.
pub(crate) fn set_position(meta: &mut MediaMetadata, latitude: Option<f64>, longitude: Option<f64>) {
    if let (Some(lat), Some(lon)) = (latitude, longitude)
        && lat.is_finite()
        && lon.is_finite()
        && lat.abs() <= 90.0
        && lon.abs() <= 180.0
        && !(lat == 0.0 && lon == 0.0)
    {
        meta.latitude = Some(lat);
        meta.longitude = Some(lon);
    }
}

/// Cameras without a set clock write 0000:00:00 or 1970; QuickTime's "unset" is 1904-01-01.
pub(crate) fn plausible_date(date: &NaiveDateTime) -> bool {
    date.year() > 1904
}

fn as_u32(value: &EntryValue) -> Option<u32> {
    match value {
        EntryValue::U16Array(v) => v.first().map(|v| u32::from(*v)),
        EntryValue::U32Array(v) => v.first().copied(),
        other => other.try_as_integer().and_then(|v| u32::try_from(v).ok()),
    }
}

/// "1/250" for fractions of a second, "2" or "2.5" for longer exposures.
fn format_exposure_time(value: &EntryValue) -> Option<String> {
    let seconds = value.try_as_float().filter(|s| s.is_finite() && *s > 0.0)?;
    if seconds >= 1.0 {
        let rounded = (seconds * 10.0).round() / 10.0;
        return Some(if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded}") });
    }
    Some(format!("1/{}", (1.0 / seconds).round()))
}

/// EXIF strings are often padded with NULs and spaces.
fn clean_text(s: &str) -> String {
    s.trim_matches(|c: char| c == '\0' || c.is_whitespace()).to_string()
}

/// XMP-only fields: star rating and the GPano projection of panoramas.
fn apply_xmp(path: &Path, meta: &mut MediaMetadata) -> Result<(), MediaError> {
    let mut head = Vec::new();
    std::fs::File::open(path)?.take(XMP_SEARCH_BYTES).read_to_end(&mut head)?;
    let Some(start) = find(&head, b"<x:xmpmeta") else {
        return Ok(());
    };
    let end = find(&head[start..], b"</x:xmpmeta>").map_or(head.len(), |e| start + e);
    let xmp = String::from_utf8_lossy(&head[start..end]);
    if meta.rating.is_none() {
        meta.rating =
            xmp_value(&xmp, "xmp:Rating").and_then(|v| v.parse::<f64>().ok()).map(|v| v.clamp(-1.0, 5.0) as i32);
    }
    meta.projection_type = xmp_value(&xmp, "GPano:ProjectionType").map(|v| v.to_ascii_uppercase());
    Ok(())
}

/// The value of an XMP property written either as an attribute (`name="v"`) or an element
/// (`<name>v</name>`).
fn xmp_value<'a>(xmp: &'a str, name: &str) -> Option<&'a str> {
    let value = if let Some(at) = xmp.find(&format!("{name}=\"")) {
        let rest = &xmp[at + name.len() + 2..];
        &rest[..rest.find('"')?]
    } else {
        let at = xmp.find(&format!("<{name}>"))?;
        let rest = &xmp[at + name.len() + 2..];
        &rest[..rest.find('<')?]
    };
    Some(value.trim()).filter(|v| !v.is_empty())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nom_exif::URational;

    #[test]
    fn exposure_times_read_like_a_camera_display() {
        assert_eq!(format_exposure_time(&EntryValue::URational(URational::new(1, 250))).as_deref(), Some("1/250"));
        assert_eq!(format_exposure_time(&EntryValue::URational(URational::new(10, 600))).as_deref(), Some("1/60"));
        assert_eq!(format_exposure_time(&EntryValue::URational(URational::new(2, 1))).as_deref(), Some("2"));
        assert_eq!(format_exposure_time(&EntryValue::URational(URational::new(5, 2))).as_deref(), Some("2.5"));
        assert_eq!(format_exposure_time(&EntryValue::URational(URational::new(1, 0))), None);
    }

    #[test]
    fn gps_time_gives_the_offset_to_the_quarter_hour() {
        let at = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
        // Xiaomi's: wall clock 19:44:18, fix at 16:43:45 UTC.
        let offset = offset_between(at("2023-04-27 19:44:18"), at("2023-04-27 16:43:45"));
        assert_eq!(offset.map(|o| o.to_string()).as_deref(), Some("+03:00"));
        let india = offset_between(at("2023-01-01 05:30:10"), at("2022-12-31 23:59:40"));
        assert_eq!(india.map(|o| o.to_string()).as_deref(), Some("+05:30"));
        let west = offset_between(at("2023-01-01 07:00:00"), at("2023-01-01 12:00:30"));
        assert_eq!(west.map(|o| o.to_string()).as_deref(), Some("-05:00"));
        assert_eq!(offset_between(at("2023-01-01 12:07:30"), at("2023-01-01 12:00:00")), None, "not near an offset");
        assert_eq!(offset_between(at("2023-01-03 12:00:00"), at("2023-01-01 12:00:00")), None, "days apart");
    }

    #[test]
    fn xmp_properties_as_attributes_and_elements() {
        let xmp = r#"<x:xmpmeta><rdf:Description xmp:Rating="4" GPano:ProjectionType="equirectangular"/></x:xmpmeta>"#;
        assert_eq!(xmp_value(xmp, "xmp:Rating"), Some("4"));
        assert_eq!(xmp_value(xmp, "GPano:ProjectionType"), Some("equirectangular"));
        let xmp = "<x:xmpmeta><xmp:Rating>5</xmp:Rating></x:xmpmeta>";
        assert_eq!(xmp_value(xmp, "xmp:Rating"), Some("5"));
        assert_eq!(xmp_value(xmp, "GPano:ProjectionType"), None);
    }
}
