//! The text fields of Immich's upload form (`AssetMediaCreateDto`), parsed and checked.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use shoebox_core::domain::Visibility;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// Years a file's dates may have. Immich takes any ISO 8601 date, but a year-0 date (a client
/// sending an unset date) sorts the photo before every timeline bucket, where no one finds it.
/// Photography began in the 1820s; four digits is what ISO 8601 dates carry.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1800..=9999;

#[derive(Debug, Clone)]
pub struct UploadFields {
    pub file_created_at: DateTime<Utc>,
    pub file_modified_at: DateTime<Utc>,
    pub file_name: Option<String>,
    pub is_favorite: bool,
    pub visibility: Visibility,
    pub duration_ms: Option<i64>,
    pub device_asset_id: Option<String>,
    pub device_id: Option<String>,
    pub live_photo_video_id: Option<Uuid>,
}

impl UploadFields {
    pub fn parse(fields: &HashMap<String, String>) -> ApiResult<Self> {
        let get = |name: &str| fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let required_time = |name: &str| -> ApiResult<DateTime<Utc>> {
            let raw = get(name).ok_or_else(|| ApiError::bad_request(format!("{name} is required")))?;
            let time =
                parse_time(raw).ok_or_else(|| ApiError::bad_request(format!("{name} must be an ISO 8601 date")))?;
            if !PLAUSIBLE_YEARS.contains(&time.year()) {
                let (first, last) = (PLAUSIBLE_YEARS.start(), PLAUSIBLE_YEARS.end());
                return Err(ApiError::bad_request(format!(
                    "{name} must be a date between the years {first} and {last}, not {raw}"
                )));
            }
            Ok(time)
        };
        let is_favorite = match get("isFavorite") {
            None => false,
            Some(raw) => parse_bool(raw).ok_or_else(|| ApiError::bad_request("isFavorite must be a boolean"))?,
        };
        // Older Immich clients send `isArchived` instead of `visibility`.
        let archived = get("isArchived").and_then(parse_bool).unwrap_or(false);
        let visibility = match get("visibility") {
            Some(raw) => Visibility::parse(raw)
                .ok_or_else(|| ApiError::bad_request("visibility must be one of archive, timeline, hidden, locked"))?,
            None if archived => Visibility::Archive,
            None => Visibility::Timeline,
        };
        let duration_ms = match get("duration") {
            None => None,
            Some(raw) => Some(parse_duration_ms(raw).ok_or_else(|| ApiError::bad_request("duration is not valid"))?),
        };
        let live_photo_video_id = match get("livePhotoVideoId") {
            None => None,
            Some(raw) => Some(raw.parse().map_err(|_| ApiError::bad_request("livePhotoVideoId must be a UUID"))?),
        };
        Ok(Self {
            file_created_at: required_time("fileCreatedAt")?,
            file_modified_at: required_time("fileModifiedAt")?,
            file_name: get("filename").map(str::to_owned),
            is_favorite,
            visibility,
            duration_ms,
            device_asset_id: get("deviceAssetId").map(str::to_owned),
            device_id: get("deviceId").map(str::to_owned),
            live_photo_video_id,
        })
    }
}

/// ISO 8601 with an offset, or without one (then taken as UTC).
fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|t| t.and_utc()))
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Milliseconds, or Immich's older `H:MM:SS.ffffff` text.
fn parse_duration_ms(raw: &str) -> Option<i64> {
    if let Ok(ms) = raw.parse::<i64>() {
        return (ms >= 0).then_some(ms);
    }
    let mut parts = raw.splitn(3, ':');
    let hours: f64 = parts.next()?.parse().ok()?;
    let minutes: f64 = parts.next()?.parse().ok()?;
    let seconds: f64 = parts.next()?.parse().ok()?;
    let total = (hours * 3600.0 + minutes * 60.0 + seconds) * 1000.0;
    (total.is_finite() && total >= 0.0).then_some(total.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const TIMES: [(&str, &str); 2] =
        [("fileCreatedAt", "2024-05-01T10:00:00.000Z"), ("fileModifiedAt", "2024-05-01T10:00:00+02:00")];

    #[test]
    fn cli_form_parses() {
        let mut form = fields(&TIMES);
        form.insert("isFavorite".into(), "true".into());
        form.insert("deviceAssetId".into(), "ignored-but-kept".into());
        let parsed = UploadFields::parse(&form).unwrap();
        assert!(parsed.is_favorite);
        assert_eq!(parsed.visibility, Visibility::Timeline);
        assert_eq!(parsed.file_modified_at.to_rfc3339(), "2024-05-01T08:00:00+00:00");
    }

    #[test]
    fn missing_or_bad_fields_are_named() {
        let err = UploadFields::parse(&fields(&[])).unwrap_err();
        assert!(err.to_string().contains("fileCreatedAt"), "{err}");
        let mut form = fields(&TIMES);
        form.insert("visibility".into(), "public".into());
        assert!(UploadFields::parse(&form).unwrap_err().to_string().contains("visibility"));
        let mut form = fields(&TIMES);
        form.insert("fileCreatedAt".into(), "yesterday".into());
        assert!(UploadFields::parse(&form).is_err());
    }

    #[test]
    fn dates_outside_plausible_years_are_refused() {
        for absurd in
            ["0000-01-01T00:00:00.000Z", "0001-01-01T00:00:00Z", "1799-12-31T23:59:59Z", "+10000-01-01T00:00:00"]
        {
            let mut form = fields(&TIMES);
            form.insert("fileCreatedAt".into(), absurd.into());
            let err = UploadFields::parse(&form).unwrap_err().to_string();
            assert!(err.contains("fileCreatedAt") && err.contains("1800"), "{absurd}: {err}");
        }
        let mut form = fields(&TIMES);
        form.insert("fileModifiedAt".into(), "0000-01-01T00:00:00.000Z".into());
        assert!(UploadFields::parse(&form).unwrap_err().to_string().contains("fileModifiedAt"));
        form.insert("fileModifiedAt".into(), "1826-06-01T12:00:00Z".into());
        assert!(UploadFields::parse(&form).is_ok(), "the first photographs are plausible");
    }

    #[test]
    fn durations_in_both_spellings() {
        assert_eq!(parse_duration_ms("1500"), Some(1500));
        assert_eq!(parse_duration_ms("0:01:02.500000"), Some(62_500));
        assert_eq!(parse_duration_ms("-3"), None);
        assert_eq!(parse_duration_ms("soon"), None);
    }
}
