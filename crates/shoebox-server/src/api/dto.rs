//! Response bodies shared by several resources, in Immich's JSON shapes.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use shoebox_db::assets::Asset;
use shoebox_db::exif::Exif;
use shoebox_db::users::User;
use uuid::Uuid;

/// Immich writes timestamps as ISO 8601 in UTC with milliseconds.
pub fn iso(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// For `#[serde(deserialize_with = "present")]`: tells a missing field (`None`, through
/// `#[serde(default)]`) from an explicit `null` (`Some(None)`).
pub fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// Durations as Immich's older DTOs (`SyncAssetV1`) write them: `H:MM:SS.ffffff`.
pub fn duration_string(millis: Option<i64>) -> String {
    match millis {
        Some(ms) if ms > 0 => {
            let (seconds, ms) = (ms / 1000, ms % 1000);
            format!("{}:{:02}:{:02}.{:03}000", seconds / 3600, seconds / 60 % 60, seconds % 60, ms)
        }
        _ => "0:00:00.00000".to_owned(),
    }
}

/// `UserAdminResponseDto`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAdminResponse {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub avatar_color: String,
    pub profile_image_path: String,
    pub profile_changed_at: String,
    pub should_change_password: bool,
    pub storage_label: Option<String>,
    pub quota_size_in_bytes: Option<i64>,
    pub quota_usage_in_bytes: Option<i64>,
    pub oauth_id: String,
    pub license: Option<()>,
    pub status: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

impl UserAdminResponse {
    pub fn new(user: &User, usage_bytes: i64) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            is_admin: user.is_admin,
            avatar_color: user.avatar_color.clone().unwrap_or_else(|| "primary".into()),
            profile_image_path: String::new(),
            profile_changed_at: iso(user.profile_changed_at),
            should_change_password: user.should_change_password,
            storage_label: user.storage_label.clone(),
            quota_size_in_bytes: user.quota_size_bytes,
            quota_usage_in_bytes: Some(usage_bytes),
            oauth_id: String::new(),
            license: None,
            status: if user.deleted_at.is_some() { "deleted" } else { "active" },
            created_at: iso(user.created_at),
            updated_at: iso(user.updated_at),
            deleted_at: user.deleted_at.map(iso),
        }
    }
}

/// `AssetResponseDto` (without the optional relations Shoebox does not have yet).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetResponse {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub library_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub asset_type: String,
    pub original_path: String,
    pub original_file_name: String,
    pub original_mime_type: String,
    pub checksum: String,
    pub thumbhash: Option<String>,
    pub file_created_at: String,
    pub file_modified_at: String,
    pub local_date_time: String,
    pub created_at: String,
    pub updated_at: String,
    pub is_favorite: bool,
    pub is_archived: bool,
    pub is_trashed: bool,
    pub is_offline: bool,
    pub is_edited: bool,
    pub visibility: String,
    pub has_metadata: bool,
    /// Milliseconds, `null` for images (Immich 3).
    pub duration: Option<i64>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub live_photo_video_id: Option<Uuid>,
    pub duplicate_id: Option<Uuid>,
    pub resized: bool,
    /// `ExifResponseDto`: only on single-asset reads, once the metadata step has run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exif_info: Option<serde_json::Value>,
    /// `PersonResponseDto[]`: only on single-asset reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<Vec<serde_json::Value>>,
    /// `TagResponseDto[]`: only on single-asset reads, the caller's own tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<serde_json::Value>>,
    /// `AssetStackResponseDto` (`{id, primaryAssetId, assetCount}`): only on single-asset reads
    /// of a stacked asset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<serde_json::Value>,
}

impl From<&Asset> for AssetResponse {
    fn from(asset: &Asset) -> Self {
        Self {
            id: asset.id,
            owner_id: asset.owner_id,
            library_id: asset.library_id,
            asset_type: asset.asset_type.clone(),
            original_path: asset.original_path.clone(),
            original_file_name: asset.original_file_name.clone(),
            original_mime_type: asset.original_mime_type.clone(),
            checksum: shoebox_core::checksum::to_base64(&asset.checksum),
            thumbhash: asset.thumbhash.as_deref().map(shoebox_core::checksum::to_base64),
            file_created_at: iso(asset.file_created_at),
            file_modified_at: iso(asset.file_modified_at),
            local_date_time: iso(asset.local_date_time),
            created_at: iso(asset.created_at),
            updated_at: iso(asset.updated_at),
            is_favorite: asset.is_favorite,
            is_archived: asset.visibility == "archive",
            is_trashed: asset.deleted_at.is_some(),
            is_offline: asset.is_offline,
            is_edited: false,
            visibility: asset.visibility.clone(),
            has_metadata: asset.has_metadata,
            duration: asset.duration_ms,
            width: asset.width,
            height: asset.height,
            live_photo_video_id: asset.live_photo_video_id,
            duplicate_id: asset.duplicate_id,
            resized: asset.thumbhash.is_some(),
            exif_info: None,
            people: None,
            tags: None,
            stack: None,
        }
    }
}

/// `ExifResponseDto`.
pub fn exif_info(exif: &Exif) -> serde_json::Value {
    serde_json::json!({
        "make": exif.make,
        "model": exif.model,
        "lensModel": exif.lens_model,
        "exposureTime": exif.exposure_time,
        "fNumber": exif.f_number,
        "iso": exif.iso,
        "focalLength": exif.focal_length,
        "dateTimeOriginal": exif.date_time_original.map(iso),
        "modifyDate": exif.modify_date.map(iso),
        "timeZone": exif.time_zone,
        "latitude": exif.latitude,
        "longitude": exif.longitude,
        "city": exif.city,
        "state": exif.state,
        "country": exif.country,
        "orientation": exif.orientation,
        "exifImageWidth": exif.exif_image_width,
        "exifImageHeight": exif.exif_image_height,
        "fileSizeInByte": exif.file_size_in_byte,
        "description": exif.description,
        "projectionType": exif.projection_type,
        "rating": exif.rating.filter(|r| (1..=5).contains(r)),
    })
}

/// A background run (backup, scrub, export, import) as Shoebox's own endpoints show it.
pub fn run_dto(run: &shoebox_db::maintenance::Run) -> serde_json::Value {
    serde_json::json!({
        "id": run.id,
        "status": run.status,
        "requestedAt": iso(run.requested_at),
        "startedAt": run.started_at.map(iso),
        "finishedAt": run.finished_at.map(iso),
        "done": run.done,
        "total": run.total,
        "scheduled": run.params["scheduled"].as_bool().unwrap_or(false),
        "params": run.params,
        "result": run.result,
        "error": run.error,
    })
}
