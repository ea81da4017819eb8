//! Rows in the JSON shapes of Immich's sync entities (`SyncAuthUserV1`, `SyncAssetV1`, …).

use serde_json::{Value, json};
use shoebox_core::checksum::to_base64;
use shoebox_db::sync::{SyncedAsset, SyncedExif, SyncedUser};

use crate::api::dto::{duration_string, iso};

/// `SyncAuthUserV1`: the caller's own user, with what only they may see.
pub fn auth_user(row: &SyncedUser) -> Value {
    let user = &row.user;
    let mut data = self::user(row);
    let extra = json!({
        "isAdmin": user.is_admin,
        "oauthId": "",
        "pinCode": null,
        "quotaSizeInBytes": user.quota_size_bytes,
        "quotaUsageInBytes": row.usage_bytes,
        "storageLabel": user.storage_label,
    });
    if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    data
}

/// `SyncUserV1`.
pub fn user(row: &SyncedUser) -> Value {
    let user = &row.user;
    json!({
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "avatarColor": user.avatar_color,
        "deletedAt": user.deleted_at.map(iso),
        "hasProfileImage": false,
        "profileChangedAt": iso(user.profile_changed_at),
    })
}

pub fn asset(synced: &SyncedAsset) -> Value {
    let row = &synced.asset;
    json!({
        "id": row.id,
        "ownerId": row.owner_id,
        "originalFileName": row.original_file_name,
        "thumbhash": row.thumbhash.as_deref().map(to_base64),
        "checksum": to_base64(&row.checksum),
        "fileCreatedAt": iso(row.file_created_at),
        "fileModifiedAt": iso(row.file_modified_at),
        "localDateTime": iso(row.local_date_time),
        "createdAt": iso(row.created_at),
        "deletedAt": row.deleted_at.map(iso),
        "type": row.asset_type,
        "visibility": row.visibility,
        "isFavorite": row.is_favorite,
        "isEdited": false,
        "duration": (row.asset_type == "VIDEO").then(|| duration_string(row.duration_ms)),
        "livePhotoVideoId": row.live_photo_video_id,
        "stackId": null,
        "libraryId": row.library_id,
        "width": row.width,
        "height": row.height,
    })
}

pub fn exif(synced: &SyncedExif) -> Value {
    let row = &synced.exif;
    json!({
        "assetId": synced.asset_id,
        "make": row.make,
        "model": row.model,
        "lensModel": row.lens_model,
        "exposureTime": row.exposure_time,
        "fNumber": row.f_number,
        "iso": row.iso,
        "focalLength": row.focal_length,
        "dateTimeOriginal": row.date_time_original.map(iso),
        "modifyDate": row.modify_date.map(iso),
        "timeZone": row.time_zone,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "city": row.city,
        "state": row.state,
        "country": row.country,
        "orientation": row.orientation,
        "exifImageWidth": row.exif_image_width,
        "exifImageHeight": row.exif_image_height,
        "fileSizeInByte": row.file_size_in_byte,
        "description": row.description,
        "profileDescription": null,
        "projectionType": row.projection_type,
        "rating": row.rating,
        "fps": row.fps,
    })
}
