//! Text forms of XMP values we read and write: EXIF-in-XMP coordinates (`DDD,MM.mmk` or
//! `DDD,MM,SSk`, CIPA DC-X010 A.2.4.4), EXIF rationals (`2150/100`) and ISO 8601 dates with or
//! without an offset (plus the `2019:07:14 15:30:00` EXIF form some tools put in XMP).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat};

#[derive(Clone, Copy)]
pub(crate) enum Axis {
    Latitude,
    Longitude,
}

/// `41.8902` → `41,53.412000N`: degrees and minutes to a millionth (a few centimetres).
pub(crate) fn format_coordinate(value: f64, axis: Axis) -> String {
    let hemisphere = match (axis, value < 0.0) {
        (Axis::Latitude, false) => 'N',
        (Axis::Latitude, true) => 'S',
        (Axis::Longitude, false) => 'E',
        (Axis::Longitude, true) => 'W',
    };
    // Whole millionths of a minute, so rounding can never print 60 minutes.
    let micro_minutes = (value.abs() * 60.0 * 1e6).round() as u64;
    let degrees = micro_minutes / 60_000_000;
    let rest = micro_minutes % 60_000_000;
    format!("{degrees},{:02}.{:06}{hemisphere}", rest / 1_000_000, rest % 1_000_000)
}

/// Reads `DDD,MM.mmk`, `DDD,MM,SSk` or a decimal number (signed, or with a direction letter).
pub(crate) fn parse_coordinate(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, sign) = match text.chars().last()? {
        'N' | 'n' | 'E' | 'e' => (&text[..text.len() - 1], 1.0),
        'S' | 's' | 'W' | 'w' => (&text[..text.len() - 1], -1.0),
        _ => (text, 1.0),
    };
    let parts: Vec<f64> = number.split(',').map(|part| part.trim().parse::<f64>()).collect::<Result<_, _>>().ok()?;
    let magnitude = match parts.as_slice() {
        [decimal] => *decimal,
        [degrees, minutes] => degrees + minutes / 60.0,
        [degrees, minutes, seconds] => degrees + minutes / 60.0 + seconds / 3600.0,
        _ => return None,
    };
    let value = sign * magnitude;
    value.is_finite().then_some(value)
}

/// A non-negative number as an EXIF rational, to the millimetre: `21.5` → `21500/1000`.
pub(crate) fn format_rational(value: f64) -> String {
    format!("{}/1000", (value.abs() * 1000.0).round() as u64)
}

/// Reads `2150/100` or a plain decimal number.
pub(crate) fn parse_rational(text: &str) -> Option<f64> {
    let text = text.trim();
    let value = match text.split_once('/') {
        Some((numerator, denominator)) => {
            let denominator: f64 = denominator.trim().parse().ok()?;
            if denominator == 0.0 {
                return None;
            }
            numerator.trim().parse::<f64>().ok()? / denominator
        }
        None => text.parse().ok()?,
    };
    value.is_finite().then_some(value)
}

/// `2019-07-14T20:30:05+02:00`, with fractions of a second only when there are some.
pub(crate) fn format_date(at: &DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// Reads an XMP date: the local time, and its offset from UTC when given. A date alone is taken
/// at midnight; `2019-07` and `2019` at the first day.
pub(crate) fn parse_date(text: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let (local, offset) = split_offset(text.trim());
    Some((parse_local(local.trim())?, offset))
}

fn split_offset(text: &str) -> (&str, Option<FixedOffset>) {
    // Only after the time of day: the `-14` that ends `2019-07-14` is the day.
    let Some(time_at) = text.find(['T', 't', ' ']) else { return (text, None) };
    if let Some(local) = text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
        return (local, FixedOffset::east_opt(0));
    }
    let time = &text[time_at + 1..];
    if let Some(sign_at) = time.rfind(['+', '-'])
        && let Some(offset) = parse_offset(&time[sign_at..])
    {
        return (&text[..time_at + 1 + sign_at], Some(offset));
    }
    (text, None)
}

/// `+02:00`, `-0530` or `+02`.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let digits: String = text[1..].chars().filter(|ch| *ch != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes): (i32, i32) = match digits.len() {
        2 => (digits.parse().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

fn parse_local(text: &str) -> Option<NaiveDateTime> {
    const FORMATS: &[&str] =
        &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f", "%Y:%m:%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"];
    if let Some(at) = FORMATS.iter().find_map(|format| NaiveDateTime::parse_from_str(text, format).ok()) {
        return Some(at);
    }
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next().map_or(Some(1), |month| month.parse().ok())?;
    let day: u32 = parts.next().map_or(Some(1), |day| day.parse().ok())?;
    NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(0, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_round_trip_within_a_millionth_of_a_degree() {
        for value in [41.8902_f64, -12.4922, 0.0, 89.9999999, -179.99999999, 48.858_370_123] {
            let axis = if value.abs() > 90.0 { Axis::Longitude } else { Axis::Latitude };
            let text = format_coordinate(value, axis);
            let back = parse_coordinate(&text).unwrap();
            assert!((back - value).abs() < 1e-6, "{value} → {text} → {back}");
        }
        assert_eq!(format_coordinate(41.8902, Axis::Latitude), "41,53.412000N");
        assert_eq!(format_coordinate(-12.4922, Axis::Longitude), "12,29.532000W");
        assert_eq!(format_coordinate(10.99999999999, Axis::Latitude), "11,00.000000N");
    }

    #[test]
    fn coordinates_in_every_form() {
        assert!((parse_coordinate("40,25,3.07N").unwrap() - 40.417519).abs() < 1e-6);
        assert!((parse_coordinate("3,42.1188W").unwrap() + 3.70198).abs() < 1e-6);
        assert_eq!(parse_coordinate("-33.5"), Some(-33.5));
        assert_eq!(parse_coordinate("33.5S"), Some(-33.5));
        assert_eq!(parse_coordinate(""), None);
        assert_eq!(parse_coordinate("N"), None);
        assert_eq!(parse_coordinate("1,2,3,4N"), None);
        assert_eq!(parse_coordinate("é"), None);
    }

    #[test]
    fn rationals() {
        assert_eq!(format_rational(21.5), "21500/1000");
        assert_eq!(parse_rational("2150/100"), Some(21.5));
        assert_eq!(parse_rational("12.25"), Some(12.25));
        assert_eq!(parse_rational("1/0"), None);
        assert_eq!(parse_rational("x/2"), None);
    }

    #[test]
    fn dates_with_and_without_offsets() {
        let at = |text| parse_date(text).map(|(local, offset)| (local.to_string(), offset.map(|o| o.to_string())));
        let some = |local: &str, offset: Option<&str>| Some((local.to_string(), offset.map(str::to_string)));
        assert_eq!(at("2019-07-14T20:30:05+02:00"), some("2019-07-14 20:30:05", Some("+02:00")));
        assert_eq!(at("2019-07-14T20:30:05.250-05:30"), some("2019-07-14 20:30:05.250", Some("-05:30")));
        assert_eq!(at("2019-07-14T20:30:05Z"), some("2019-07-14 20:30:05", Some("+00:00")));
        assert_eq!(at("2019-07-14T20:30:05+0200"), some("2019-07-14 20:30:05", Some("+02:00")));
        assert_eq!(at("2019-07-14T20:30"), some("2019-07-14 20:30:00", None));
        assert_eq!(at("2019:07:14 20:30:05"), some("2019-07-14 20:30:05", None));
        assert_eq!(at("2019:07:14 20:30:05-05:00"), some("2019-07-14 20:30:05", Some("-05:00")));
        assert_eq!(at("2019-07-14"), some("2019-07-14 00:00:00", None));
        assert_eq!(at("2019-07"), some("2019-07-01 00:00:00", None));
        assert_eq!(at("2019"), some("2019-01-01 00:00:00", None));
        assert_eq!(at("yesterday"), None);
        assert_eq!(at("2019-13-01"), None);
        assert_eq!(at(""), None);
    }

    #[test]
    fn written_dates_keep_their_offset() {
        let at = DateTime::parse_from_rfc3339("2019-07-14T20:30:05+02:00").unwrap();
        assert_eq!(format_date(&at), "2019-07-14T20:30:05+02:00");
        let utc = DateTime::parse_from_rfc3339("2019-07-14T20:30:05.5Z").unwrap();
        assert_eq!(format_date(&utc), "2019-07-14T20:30:05.500+00:00");
    }
}
