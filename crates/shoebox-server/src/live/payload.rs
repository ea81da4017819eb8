//! The payloads of `AssetUploadReadyV1`/`V2`: the new asset and its EXIF in the shapes of the
//! sync stream's `SyncAssetV1`/`SyncAssetV2` and `SyncAssetExifV1`, so the app can store them
//! without waiting for its next sync.

use serde::Serialize;
use shoebox_core::checksum::to_base64;
use shoebox_db::assets::Asset;
use shoebox_db::exif::Exif;
use uuid::Uuid;

use crate::api::dto::{duration_string, iso};

/// `{asset, exif}`, as the app's `AssetUploadReadyV1`/`V2` handlers read it.
#[derive(Debug, Clone, Serialize)]
pub struct UploadReady<A> {
    pub asset: A,
    pub exif: SyncAssetExif,
}

/// The fields `SyncAssetV1` and `SyncAssetV2` share; they differ only in `duration`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncAsset<D> {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub original_file_name: String,
    pub thumbhash: Option<String>,
    pub checksum: String,
    pub file_created_at: String,
    pub file_modified_at: String,
    pub created_at: String,
    pub local_date_time: String,
    pub duration: Option<D>,
    #[serde(rename = "type")]
    pub asset_type: String,
    pub deleted_at: Option<String>,
    pub is_favorite: bool,
    pub visibility: String,
    pub live_photo_video_id: Option<Uuid>,
    pub stack_id: Option<Uuid>,
    pub library_id: Option<Uuid>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub is_edited: bool,
}

/// `SyncAssetV1`: the duration as `H:MM:SS.ffffff`.
pub type SyncAssetV1 = SyncAsset<String>;
/// `SyncAssetV2`: the duration in milliseconds.
pub type SyncAssetV2 = SyncAsset<i64>;

impl<D> SyncAsset<D> {
    fn with_duration(asset: &Asset, duration: Option<D>) -> Self {
        Self {
            id: asset.id,
            owner_id: asset.owner_id,
            original_file_name: asset.original_file_name.clone(),
            thumbhash: asset.thumbhash.as_deref().map(to_base64),
            checksum: to_base64(&asset.checksum),
            file_created_at: iso(asset.file_created_at),
            file_modified_at: iso(asset.file_modified_at),
            created_at: iso(asset.created_at),
            local_date_time: iso(asset.local_date_time),
            duration,
            asset_type: asset.asset_type.clone(),
            deleted_at: asset.deleted_at.map(iso),
            is_favorite: asset.is_favorite,
            visibility: asset.visibility.clone(),
            live_photo_video_id: asset.live_photo_video_id,
            stack_id: asset.stack_id,
            library_id: asset.library_id,
            width: asset.width,
            height: asset.height,
            is_edited: false,
        }
    }
}

impl SyncAssetV1 {
    pub fn v1(asset: &Asset) -> Self {
        let is_video = asset.asset_type == "VIDEO";
        Self::with_duration(asset, is_video.then(|| duration_string(asset.duration_ms)))
    }
}

impl SyncAssetV2 {
    pub fn v2(asset: &Asset) -> Self {
        Self::with_duration(asset, asset.duration_ms)
    }
}

/// `SyncAssetExifV1`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncAssetExif {
    pub asset_id: Uuid,
    pub description: Option<String>,
    pub exif_image_width: Option<i32>,
    pub exif_image_height: Option<i32>,
    pub file_size_in_byte: Option<i64>,
    pub orientation: Option<String>,
    pub date_time_original: Option<String>,
    pub modify_date: Option<String>,
    pub time_zone: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub projection_type: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub make: Option<String>,
    pub model: Option<String>,
    pub lens_model: Option<String>,
    #[serde(rename = "fNumber")]
    pub f_number: Option<f64>,
    pub focal_length: Option<f64>,
    pub iso: Option<i32>,
    pub exposure_time: Option<String>,
    pub profile_description: Option<String>,
    pub rating: Option<i32>,
    pub fps: Option<f64>,
}

impl SyncAssetExif {
    pub fn new(asset_id: Uuid, exif: &Exif) -> Self {
        Self {
            asset_id,
            description: exif.description.clone(),
            exif_image_width: exif.exif_image_width,
            exif_image_height: exif.exif_image_height,
            file_size_in_byte: exif.file_size_in_byte,
            orientation: exif.orientation.clone(),
            date_time_original: exif.date_time_original.map(iso),
            modify_date: exif.modify_date.map(iso),
            time_zone: exif.time_zone.clone(),
            latitude: exif.latitude,
            longitude: exif.longitude,
            projection_type: exif.projection_type.clone(),
            city: exif.city.clone(),
            state: exif.state.clone(),
            country: exif.country.clone(),
            make: exif.make.clone(),
            model: exif.model.clone(),
            lens_model: exif.lens_model.clone(),
            f_number: exif.f_number,
            focal_length: exif.focal_length,
            iso: exif.iso,
            exposure_time: exif.exposure_time.clone(),
            profile_description: None,
            rating: exif.rating,
            fps: exif.fps,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    /// Immich's OpenAPI document that the contract test also reads.
    fn spec() -> Value {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/spec");
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.file_name().unwrap().to_string_lossy().starts_with("immich-openapi-specs"))
            .expect("the OpenAPI document");
        serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
    }

    fn keys(value: &Value) -> BTreeSet<String> {
        value.as_object().unwrap().keys().cloned().collect()
    }

    fn schema_fields(spec: &Value, name: &str) -> BTreeSet<String> {
        keys(&spec["components"]["schemas"][name]["properties"])
    }

    fn asset() -> Asset {
        let now = chrono::Utc::now();
        Asset {
            id: Uuid::new_v4(),
            owner_id: Uuid::new_v4(),
            library_id: None,
            checksum: vec![1; 20],
            asset_type: "VIDEO".into(),
            original_path: "upload/a.mp4".into(),
            original_file_name: "a.mp4".into(),
            original_mime_type: "video/mp4".into(),
            file_size_bytes: 10,
            file_created_at: now,
            file_modified_at: now,
            local_date_time: now,
            visibility: "timeline".into(),
            is_favorite: false,
            width: Some(4),
            height: Some(3),
            duration_ms: Some(61_500),
            thumbhash: Some(vec![2; 8]),
            live_photo_video_id: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            duplicate_id: None,
            has_metadata: true,
            stack_id: None,
            is_offline: false,
        }
    }

    #[test]
    fn upload_ready_payloads_have_exactly_the_sync_fields() {
        let spec = spec();
        let asset = asset();
        let v1 = serde_json::to_value(SyncAssetV1::v1(&asset)).unwrap();
        let v2 = serde_json::to_value(SyncAssetV2::v2(&asset)).unwrap();
        let exif = serde_json::to_value(SyncAssetExif::new(asset.id, &Exif::default())).unwrap();
        assert_eq!(keys(&v1), schema_fields(&spec, "SyncAssetV1"));
        assert_eq!(keys(&v2), schema_fields(&spec, "SyncAssetV2"));
        assert_eq!(keys(&exif), schema_fields(&spec, "SyncAssetExifV1"));
        assert_eq!(v1["duration"], "0:01:01.500000");
        assert_eq!(v2["duration"], 61_500);
    }
}
