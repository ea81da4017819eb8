//! Metadata: read EXIF and stream facts, resolve when and where the photo was taken, and store
//! them, with what later steps need typed (orientation, streams, container) and the asset's
//! displayed size: this step alone sets width and height.

use chrono::{DateTime, Utc};
use shoebox_db::assets::Asset;
use shoebox_db::exif::Exif;
use shoebox_db::pipeline::{AssetFacts, MediaFacts};
use shoebox_media::MediaMetadata;

use super::{Done, StepError, blocking, local_copy};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let original = local_copy(pipeline, &asset.original_path).await?;
    let mime = asset.original_mime_type.clone();
    let meta = blocking(move || shoebox_media::discover(&original, &mime)).await?;

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
