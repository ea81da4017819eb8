//! The JSON files of a Takeout export: a photo's sidecar (`IMG_1.jpg.json`), read leniently
//! because its fields come and go between exports, and written back in Google's shape for our
//! own exports; and an album's `metadata.json`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::xmp::ExportFacts;

/// What Google knew about one photo or video.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhotoSidecar {
    /// The name the file was uploaded with (the exported name may be cut or carry a counter).
    pub title: Option<String>,
    pub description: Option<String>,
    /// `photoTakenTime`: when the photo was taken.
    pub taken_at: Option<DateTime<Utc>>,
    /// `creationTime`: when it was uploaded.
    pub created_at: Option<DateTime<Utc>>,
    /// `geoData` (the location as edited in Google Photos), else `geoDataExif`.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub altitude: Option<f64>,
    pub favorited: bool,
    pub archived: bool,
    pub trashed: bool,
    /// `inLockedFolder`.
    pub locked: bool,
    /// Names of the people tagged in it (Google exports no face positions).
    pub people: Vec<String>,
    /// Its page on photos.google.com.
    pub url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TakeoutError {
    #[error("the sidecar is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the sidecar is JSON but not an object")]
    NotAnObject,
}

/// Reads a photo's sidecar. Only bytes that are not a JSON object fail: a missing or oddly typed
/// field is left out, as exports differ in which fields they carry.
pub fn parse_photo_sidecar(bytes: &[u8]) -> Result<PhotoSidecar, TakeoutError> {
    let value: Value = serde_json::from_slice(bytes)?;
    let Value::Object(doc) = value else { return Err(TakeoutError::NotAnObject) };
    let (latitude, longitude, altitude) = match location(doc.get("geoData")) {
        Some(found) => found,
        None => location(doc.get("geoDataExif")).unwrap_or_default(),
    };
    Ok(PhotoSidecar {
        title: text(doc.get("title")),
        description: text(doc.get("description")),
        taken_at: google_time(doc.get("photoTakenTime")),
        created_at: google_time(doc.get("creationTime")),
        latitude,
        longitude,
        altitude,
        favorited: flag(doc.get("favorited")),
        archived: flag(doc.get("archived")),
        trashed: flag(doc.get("trashed")),
        locked: flag(doc.get("inLockedFolder")),
        people: people(doc.get("people")),
        url: text(doc.get("url")),
    })
}

/// A string that is not blank, kept as written (captions keep their spacing).
fn text(value: Option<&Value>) -> Option<String> {
    value?.as_str().filter(|text| !text.trim().is_empty()).map(str::to_string)
}

fn flag(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => text.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn number(value: Option<&Value>) -> Option<f64> {
    let number = match value? {
        Value::Number(number) => number.as_f64()?,
        Value::String(text) => text.trim().parse().ok()?,
        _ => return None,
    };
    number.is_finite().then_some(number)
}

/// `{"timestamp": "1600596727", "formatted": "..."}`: seconds since 1970, as a string (or a
/// number). Google writes `0` when it does not know.
fn google_time(value: Option<&Value>) -> Option<DateTime<Utc>> {
    let seconds = match value?.get("timestamp")? {
        Value::String(text) => text.trim().parse::<i64>().ok()?,
        Value::Number(number) => number.as_i64()?,
        _ => return None,
    };
    if seconds == 0 {
        return None;
    }
    DateTime::from_timestamp(seconds, 0)
}

/// Latitude, longitude and altitude of a `geoData` object; `None` for Google's 0.0/0.0, which
/// means no location.
#[allow(clippy::type_complexity)]
fn location(value: Option<&Value>) -> Option<(Option<f64>, Option<f64>, Option<f64>)> {
    let geo = value?;
    let latitude = number(geo.get("latitude"))?;
    let longitude = number(geo.get("longitude"))?;
    if (latitude == 0.0 && longitude == 0.0) || latitude.abs() > 90.0 || longitude.abs() > 180.0 {
        return None;
    }
    Some((Some(latitude), Some(longitude), number(geo.get("altitude"))))
}

fn people(value: Option<&Value>) -> Vec<String> {
    let Some(Value::Array(people)) = value else { return Vec::new() };
    people.iter().filter_map(|person| text(person.get("name"))).collect()
}

/// Google's sidecar for one exported photo, so that tools reading Takeout exports read ours.
/// Google's conventions are kept: no location is 0.0/0.0, no caption is an empty string, and the
/// url (a page on Google's site) is left out.
pub fn photo_sidecar_json(facts: &ExportFacts) -> Value {
    let mut doc = Map::new();
    doc.insert("title".into(), json!(facts.title));
    doc.insert("description".into(), json!(facts.description.clone().unwrap_or_default()));
    doc.insert("imageViews".into(), json!("0"));
    if let Some(created_at) = facts.created_at {
        doc.insert("creationTime".into(), google_time_json(created_at));
    }
    if let Some(taken_at) = facts.taken_at {
        doc.insert("photoTakenTime".into(), google_time_json(taken_at.with_timezone(&Utc)));
    }
    let geo = match (facts.latitude, facts.longitude) {
        (Some(latitude), Some(longitude)) => json!({
            "latitude": latitude,
            "longitude": longitude,
            "altitude": facts.altitude.unwrap_or(0.0),
            "latitudeSpan": 0.0,
            "longitudeSpan": 0.0,
        }),
        _ => json!({"latitude": 0.0, "longitude": 0.0, "altitude": 0.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0}),
    };
    doc.insert("geoData".into(), geo.clone());
    doc.insert("geoDataExif".into(), geo);
    if !facts.people.is_empty() {
        let people: Vec<Value> = facts.people.iter().map(|person| json!({"name": person.name})).collect();
        doc.insert("people".into(), Value::Array(people));
    }
    doc.insert("favorited".into(), json!(facts.favorite));
    doc.insert("archived".into(), json!(facts.archived));
    doc.insert("trashed".into(), json!(facts.trashed));
    Value::Object(doc)
}

fn google_time_json(at: DateTime<Utc>) -> Value {
    json!({
        "timestamp": at.timestamp().to_string(),
        "formatted": at.format("%b %-d, %Y, %-I:%M:%S %p UTC").to_string(),
    })
}

/// An album's `metadata.json`: its title and description. Older exports nest them in
/// `albumData`. `Ok(None)` when it has no title.
pub(crate) fn parse_album_metadata(bytes: &[u8]) -> Result<Option<(String, Option<String>)>, TakeoutError> {
    let value: Value = serde_json::from_slice(bytes)?;
    let doc = value.get("albumData").unwrap_or(&value);
    if !doc.is_object() {
        return Err(TakeoutError::NotAnObject);
    }
    Ok(text(doc.get("title")).map(|title| (title.trim().to_string(), text(doc.get("description")))))
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone};

    use super::*;
    use crate::xmp::PersonRegion;

    const GOOGLE_SIDECAR: &str = r#"{
      "title": "IMG_20200920_131207.jpg",
      "description": "",
      "imageViews": "9",
      "creationTime": {"timestamp": "1600598769", "formatted": "Sep 20, 2020, 10:46:09 AM UTC"},
      "photoTakenTime": {"timestamp": "1600596727", "formatted": "Sep 20, 2020, 10:12:07 AM UTC"},
      "geoData": {"latitude": 0.0, "longitude": 0.0, "altitude": 0.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0},
      "geoDataExif": {"latitude": 55.269423, "longitude": 37.665591, "altitude": 214.492, "latitudeSpan": 0.0, "longitudeSpan": 0.0},
      "people": [{"name": "Дочь"}, {"name": ""}],
      "url": "https://photos.google.com/photo/AF1Qip",
      "googlePhotosOrigin": {"mobileUpload": {"deviceType": "ANDROID_PHONE"}},
      "favorited": true,
      "inLockedFolder": true
    }"#;

    #[test]
    fn reads_googles_fields() {
        let sidecar = parse_photo_sidecar(GOOGLE_SIDECAR.as_bytes()).unwrap();
        assert_eq!(sidecar.title.as_deref(), Some("IMG_20200920_131207.jpg"));
        assert_eq!(sidecar.description, None, "an empty caption is none");
        assert_eq!(sidecar.taken_at, DateTime::from_timestamp(1600596727, 0));
        assert_eq!(sidecar.created_at, DateTime::from_timestamp(1600598769, 0));
        // geoData is 0/0 (no location), so geoDataExif is used.
        assert_eq!(
            (sidecar.latitude, sidecar.longitude, sidecar.altitude),
            (Some(55.269423), Some(37.665591), Some(214.492))
        );
        assert!(sidecar.favorited && sidecar.locked && !sidecar.archived && !sidecar.trashed);
        assert_eq!(sidecar.people, vec!["Дочь"]);
        assert_eq!(sidecar.url.as_deref(), Some("https://photos.google.com/photo/AF1Qip"));
    }

    #[test]
    fn zero_location_and_zero_time_mean_none() {
        let sidecar = parse_photo_sidecar(
            br#"{"photoTakenTime": {"timestamp": "0"}, "geoData": {"latitude": 0.0, "longitude": 0.0, "altitude": 12.0}}"#,
        )
        .unwrap();
        assert_eq!((sidecar.taken_at, sidecar.latitude, sidecar.longitude, sidecar.altitude), (None, None, None, None));
    }

    #[test]
    fn odd_fields_are_left_out_and_bad_json_fails() {
        let sidecar = parse_photo_sidecar(
            br#"{"title": 3, "photoTakenTime": {"timestamp": 1600596727}, "favorited": "true", "people": {}}"#,
        )
        .unwrap();
        assert_eq!(sidecar.title, None);
        assert_eq!(sidecar.taken_at, DateTime::from_timestamp(1600596727, 0));
        assert!(sidecar.favorited);
        assert!(matches!(parse_photo_sidecar(b"{\"title\": "), Err(TakeoutError::Json(_))));
        assert!(matches!(parse_photo_sidecar(b"[1, 2]"), Err(TakeoutError::NotAnObject)));
        assert!(parse_photo_sidecar(b"").is_err());
    }

    #[test]
    fn written_sidecar_reads_back() {
        let facts = ExportFacts {
            title: "IMG_0001.jpg".into(),
            description: Some("Sunset over the Tiber".into()),
            taken_at: Some(FixedOffset::east_opt(2 * 3600).unwrap().with_ymd_and_hms(2019, 7, 14, 20, 30, 5).unwrap()),
            created_at: Some(Utc.with_ymd_and_hms(2019, 7, 15, 8, 0, 0).unwrap()),
            latitude: Some(41.8902),
            longitude: Some(-12.4922),
            altitude: Some(21.5),
            favorite: true,
            archived: false,
            trashed: true,
            people: vec![PersonRegion { name: "Anna".into(), x: 0.5, y: 0.5, w: 0.1, h: 0.1 }],
            ..ExportFacts::default()
        };
        let written = photo_sidecar_json(&facts);
        assert_eq!(written["imageViews"], "0");
        assert_eq!(written["photoTakenTime"]["formatted"], "Jul 14, 2019, 6:30:05 PM UTC");
        assert!(written.get("url").is_none());
        let read = parse_photo_sidecar(written.to_string().as_bytes()).unwrap();
        assert_eq!(read.title.as_deref(), Some("IMG_0001.jpg"));
        assert_eq!(read.description, facts.description);
        assert_eq!(read.taken_at, facts.taken_at.map(|at| at.with_timezone(&Utc)));
        assert_eq!(read.created_at, facts.created_at);
        assert_eq!((read.latitude, read.longitude, read.altitude), (facts.latitude, facts.longitude, facts.altitude));
        assert!(read.favorited && !read.archived && read.trashed);
        assert_eq!(read.people, vec!["Anna"]);

        let bare = parse_photo_sidecar(photo_sidecar_json(&ExportFacts::default()).to_string().as_bytes()).unwrap();
        assert_eq!((bare.taken_at, bare.latitude, bare.people.len()), (None, None, 0));
    }

    #[test]
    fn album_metadata_in_both_shapes() {
        let found = parse_album_metadata("{\"title\": \"Été à Paris\", \"description\": \"\"}".as_bytes()).unwrap();
        assert_eq!(found, Some(("Été à Paris".to_string(), None)));
        let found = parse_album_metadata(br#"{"albumData": {"title": "Rome", "description": "Spring"}}"#).unwrap();
        assert_eq!(found, Some(("Rome".to_string(), Some("Spring".to_string()))));
        assert_eq!(parse_album_metadata(br#"{"title": ""}"#).unwrap(), None);
        assert!(parse_album_metadata(b"nope").is_err());
    }
}
