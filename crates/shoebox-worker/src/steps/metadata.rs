//! Metadata: read EXIF and stream facts, resolve when and where the photo was taken, and store
//! them, with what later steps need typed (orientation, streams, container) and the asset's
//! displayed size: this step alone sets width and height. An XMP sidecar's date, place, caption
//! and rating take the place of the file's (Immich's rule: the sidecar is where people correct
//! them); what an import knew beside the file (a Takeout sidecar) fills only what both lack.

use chrono::{DateTime, Utc};
use shoebox_db::assets::Asset;
use shoebox_core::domain::AssetFileKind;
use shoebox_db::exif::{Exif, FallbackFacts};
use shoebox_interchange::XmpFacts;
use shoebox_db::pipeline::{AssetFacts, MediaFacts};
use shoebox_media::MediaMetadata;

use super::{Done, StepError, blocking, local_copy};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let original = local_copy(pipeline, &asset.original_path).await?;
    let mime = asset.original_mime_type.clone();
    let mut meta = blocking(move || shoebox_media::discover(&original, &mime)).await?;
    apply_sidecar(pipeline, asset, &mut meta).await?;
    let fallback = shoebox_db::exif::fallback(&pipeline.db, asset.id).await?;
    if let Some(fallback) = &fallback {
        fill_gaps(&mut meta, fallback);
    }

    let place = match (meta.latitude, meta.longitude) {
        (Some(lat), Some(lon)) => shoebox_db::places::names_at(&pipeline.db, lat, lon).await?,
        _ => None,
    };
    let mut exif = exif_record(&meta, asset.file_size_bytes);
    if let Some(place) = place {
        exif.city = Some(place.city);
        exif.state = place.state;
        exif.country = Some(place.country);
    }
    let (width, height) = oriented_size(&meta);
    let facts = AssetFacts {
        width: width.map(|w| w as i32),
        height: height.map(|h| h as i32),
        duration_ms: meta.duration_ms,
        taken_at: taken_at(&meta),
    };
    let media = MediaFacts {
        orientation: meta.orientation.filter(|o| (1..=8).contains(o)).map(|o| o as i16),
        rotation: meta.rotation.map(|r| r.rem_euclid(360) as i16),
        container: meta.container.clone(),
        video_codec: meta.video_codec.clone(),
        audio_codec: meta.audio_codec.clone(),
    };
    shoebox_db::pipeline::save_metadata(&pipeline.db, asset.id, &exif, &facts, &media).await?;
    Ok(Done::default())
}

/// Reads the asset's XMP sidecar, if it has one, over what the file says. A sidecar that cannot
/// be read or parsed is logged and left out: the photo's own metadata still counts.
async fn apply_sidecar(pipeline: &Pipeline, asset: &Asset, meta: &mut MediaMetadata) -> Result<(), StepError> {
    let sidecar = shoebox_db::assets::file_path(&pipeline.db, asset.owner_id, true, asset.id, AssetFileKind::Sidecar).await?;
    let Some((key, _)) = sidecar else { return Ok(()) };
    let bytes = match super::stored_bytes(pipeline, &key).await {
        Ok(bytes) => bytes,
        Err(StepError::Permanent(reason)) => {
            tracing::warn!(asset = %asset.id, %reason, "the XMP sidecar is missing; using the file's metadata");
            return Ok(());
        }
        Err(err) => return Err(err),
    };
    match shoebox_interchange::read_xmp(&bytes) {
        Ok(xmp) => override_with(meta, &xmp),
        Err(err) => tracing::warn!(asset = %asset.id, error = %err, "the XMP sidecar cannot be read; using the file's metadata"),
    }
    Ok(())
}

fn override_with(meta: &mut MediaMetadata, xmp: &XmpFacts) {
    if let Some(local) = xmp.taken_at_local {
        meta.date_time_original = Some(local);
        meta.offset = xmp.offset;
    }
    if let (Some(lat), Some(lon)) = (xmp.latitude, xmp.longitude) {
        meta.latitude = Some(lat);
        meta.longitude = Some(lon);
    }
    if let Some(description) = xmp.description.as_ref().filter(|d| !d.trim().is_empty()) {
        meta.description = Some(description.clone());
    }
    if xmp.rating.is_some() {
        meta.rating = xmp.rating;
    }
}

/// What an import knew fills only what the file left empty.
fn fill_gaps(meta: &mut MediaMetadata, fallback: &FallbackFacts) {
    if meta.date_time_original.is_none()
        && let Some(taken) = fallback.taken_at
    {
        // An instant without a known offset: shown in UTC, as Google Photos' export gives it.
        meta.date_time_original = Some(taken.naive_utc());
        meta.offset = Some(chrono::FixedOffset::east_opt(0).expect("zero offset"));
    }
    if meta.latitude.is_none() && meta.longitude.is_none() {
        meta.latitude = fallback.latitude;
        meta.longitude = fallback.longitude;
    }
    if meta.description.as_deref().is_none_or(|d| d.trim().is_empty()) && fallback.description.is_some() {
        meta.description = fallback.description.clone();
    }
}

fn exif_record(meta: &MediaMetadata, file_size: i64) -> Exif {
    Exif {
        make: meta.make.clone(),
        model: meta.model.clone(),
        lens_model: meta.lens_model.clone(),
        exposure_time: meta.exposure_time.clone(),
        f_number: meta.f_number,
        iso: meta.iso.map(|iso| iso as i32),
        focal_length: meta.focal_length,
        date_time_original: taken_at(meta).map(|(instant, _)| instant),
        modify_date: meta.modify_date.map(|t| t.and_utc()),
        time_zone: meta.offset.map(|offset| format!("UTC{offset}")),
        latitude: meta.latitude,
        longitude: meta.longitude,
        orientation: meta.orientation.map(|o| o.to_string()),
        exif_image_width: meta.width.map(|w| w as i32),
        exif_image_height: meta.height.map(|h| h as i32),
        file_size_in_byte: Some(file_size),
        description: meta.description.clone(),
        projection_type: meta.projection_type.clone(),
        rating: meta.rating,
        fps: meta.fps,
        codec: meta.video_codec.clone(),
        ..Exif::default()
    }
}

/// The instant the photo was taken and its wall-clock time (stored as if UTC, as Immich does).
/// Without an offset the wall-clock time is all there is, and it stands for both.
pub fn taken_at(meta: &MediaMetadata) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let local = meta.date_time_original?;
    let instant = match meta.offset {
        Some(offset) => (local - offset).and_utc(),
        None => local.and_utc(),
    };
    Some((instant, local.and_utc()))
}

/// Width and height as the photo is seen: EXIF orientations 5–8 and quarter-turn video
/// rotations swap them, unless the size is already upright (HEIC/HEIF).
fn oriented_size(meta: &MediaMetadata) -> (Option<u32>, Option<u32>) {
    let turned = !meta.size_is_upright && matches!(meta.orientation, Some(5..=8))
        || matches!(meta.rotation.map(|r| r.rem_euclid(180)), Some(90));
    if turned { (meta.height, meta.width) } else { (meta.width, meta.height) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, NaiveDate};

    #[test]
    fn offsets_turn_wall_clock_into_instants() {
        let local = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap().and_hms_opt(14, 30, 0).unwrap();
        let meta = MediaMetadata {
            date_time_original: Some(local),
            offset: Some(FixedOffset::east_opt(2 * 3600).unwrap()),
            ..Default::default()
        };
        let (instant, wall) = taken_at(&meta).unwrap();
        assert_eq!(instant.to_rfc3339(), "2024-07-01T12:30:00+00:00");
        assert_eq!(wall.to_rfc3339(), "2024-07-01T14:30:00+00:00");
        let no_offset = MediaMetadata { date_time_original: Some(local), ..Default::default() };
        assert_eq!(taken_at(&no_offset).unwrap().0.to_rfc3339(), "2024-07-01T14:30:00+00:00");
        assert!(taken_at(&MediaMetadata::default()).is_none());
    }

    #[test]
    fn a_sidecar_wins_and_an_import_fills_only_gaps() {
        let taken = NaiveDate::from_ymd_opt(2019, 5, 4).unwrap().and_hms_opt(10, 0, 0).unwrap();
        let mut meta = MediaMetadata { date_time_original: Some(taken), description: Some("camera".into()), ..Default::default() };
        let fallback = FallbackFacts {
            source: "google-takeout".into(),
            taken_at: Some("2001-01-01T00:00:00Z".parse().unwrap()),
            latitude: Some(48.85),
            longitude: Some(2.35),
            description: Some("from Google".into()),
        };
        fill_gaps(&mut meta, &fallback);
        assert_eq!(meta.date_time_original, Some(taken), "the file's own date stays");
        assert_eq!(meta.description.as_deref(), Some("camera"));
        assert_eq!((meta.latitude, meta.longitude), (Some(48.85), Some(2.35)), "the missing place is filled");
        let xmp = XmpFacts { description: Some("corrected".into()), rating: Some(4), ..Default::default() };
        override_with(&mut meta, &xmp);
        assert_eq!(meta.description.as_deref(), Some("corrected"));
        assert_eq!(meta.rating, Some(4));
        let mut bare = MediaMetadata::default();
        fill_gaps(&mut bare, &fallback);
        assert_eq!(taken_at(&bare).unwrap().0.to_rfc3339(), "2001-01-01T00:00:00+00:00");
    }

    #[test]
    fn rotated_media_swaps_dimensions() {
        let rotated =
            MediaMetadata { width: Some(4000), height: Some(3000), orientation: Some(6), ..Default::default() };
        assert_eq!(oriented_size(&rotated), (Some(3000), Some(4000)));
        let video = MediaMetadata { width: Some(1920), height: Some(1080), rotation: Some(-90), ..Default::default() };
        assert_eq!(oriented_size(&video), (Some(1080), Some(1920)));
        let heic = MediaMetadata { size_is_upright: true, ..rotated };
        assert_eq!(oriented_size(&heic), (Some(4000), Some(3000)), "libheif's size is already upright");
    }
}
