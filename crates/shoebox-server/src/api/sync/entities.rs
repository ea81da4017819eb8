//! Rows in the JSON shapes of Immich's sync entities (`SyncAuthUserV1`, `SyncAssetV2`, …), as
//! the 3.1 OpenAPI document requires them: every required field present, nullable ones null.

use serde_json::{Value, json};
use shoebox_core::checksum::to_base64;
use shoebox_db::sync::{
    Gone, SyncedAlbum, SyncedAlbumLink, SyncedAlbumMember, SyncedAsset, SyncedExif, SyncedFace, SyncedMemory,
    SyncedMemoryAsset, SyncedPartner, SyncedPerson, SyncedPreferences, SyncedStack, SyncedTextLine, SyncedUser,
};

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

/// `SyncAssetV1`: the duration as `H:MM:SS.ffffff` text.
pub fn asset_v1(row: &SyncedAsset) -> Value {
    let mut data = asset_v2(row);
    data["duration"] = json!((row.asset_type == "VIDEO").then(|| duration_string(row.duration_ms)));
    data
}

/// `SyncAssetV2`: the duration in milliseconds.
pub fn asset_v2(row: &SyncedAsset) -> Value {
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
        "duration": if row.asset_type == "VIDEO" { json!(row.duration_ms.unwrap_or(0)) } else { Value::Null },
        "livePhotoVideoId": row.live_photo_video_id,
        "stackId": row.stack_id,
        "libraryId": row.library_id,
        "width": row.width,
        "height": row.height,
    })
}

/// `SyncAssetExifV1`.
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

pub fn partner(row: &SyncedPartner) -> Value {
    json!({ "sharedById": row.shared_by_id, "sharedWithId": row.shared_with_id, "inTimeline": row.in_timeline })
}

/// `SyncAlbumV2`: the owner travels as an album user with role `owner`.
pub fn album_v2(row: &SyncedAlbum) -> Value {
    json!({
        "id": row.id,
        "name": row.album_name,
        "description": row.description,
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
        "thumbnailAssetId": row.thumbnail_asset_id,
        "isActivityEnabled": row.is_activity_enabled,
        "order": row.asset_order,
    })
}

/// `SyncAlbumV1`, for 2.x apps: the owner as a field.
pub fn album_v1(row: &SyncedAlbum) -> Value {
    let mut data = album_v2(row);
    data["ownerId"] = json!(row.owner_id);
    data
}

pub fn album_user(row: &SyncedAlbumMember) -> Value {
    json!({ "albumId": row.album_id, "userId": row.user_id, "role": row.role })
}

pub fn album_link(row: &SyncedAlbumLink) -> Value {
    json!({ "albumId": row.album_id, "assetId": row.asset_id })
}

pub fn stack(row: &SyncedStack) -> Value {
    json!({
        "id": row.id,
        "ownerId": row.owner_id,
        "primaryAssetId": row.primary_asset_id,
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
    })
}

pub fn memory(row: &SyncedMemory) -> Value {
    let row = &row.memory;
    json!({
        "id": row.id,
        "ownerId": row.owner_id,
        "type": row.memory_type,
        "data": row.data,
        "isSaved": row.is_saved,
        "memoryAt": iso(row.memory_at),
        "seenAt": row.seen_at.map(iso),
        "showAt": row.show_at.map(iso),
        "hideAt": row.hide_at.map(iso),
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
        "deletedAt": row.deleted_at.map(iso),
    })
}

pub fn memory_asset(row: &SyncedMemoryAsset) -> Value {
    json!({ "memoryId": row.memory_id, "assetId": row.asset_id })
}

pub fn person(row: &SyncedPerson) -> Value {
    json!({
        "id": row.id,
        "ownerId": row.owner_id,
        "name": row.name,
        "birthDate": row.birth_date.map(|date| format!("{date}T00:00:00.000Z")),
        "isHidden": row.is_hidden,
        "isFavorite": row.is_favorite,
        "color": row.color,
        "faceAssetId": row.face_asset_id,
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
    })
}

/// `SyncAssetFaceV1`.
pub fn face_v1(row: &SyncedFace) -> Value {
    let row = &row.face;
    json!({
        "id": row.id,
        "assetId": row.asset_id,
        "personId": row.person_id,
        "imageWidth": row.image_width,
        "imageHeight": row.image_height,
        "boundingBoxX1": row.bounding_box_x1,
        "boundingBoxY1": row.bounding_box_y1,
        "boundingBoxX2": row.bounding_box_x2,
        "boundingBoxY2": row.bounding_box_y2,
        "sourceType": row.source_type,
    })
}

/// `SyncAssetFaceV2`: Shoebox keeps no hidden or soft-deleted faces, so every face is visible.
pub fn face_v2(row: &SyncedFace) -> Value {
    let mut data = face_v1(row);
    data["isVisible"] = json!(true);
    data["deletedAt"] = Value::Null;
    data
}

/// `SyncAssetOcrV1`.
pub fn ocr_line(row: &SyncedTextLine) -> Value {
    let mut data = crate::api::ocr::line_json(&row.line);
    data["isVisible"] = json!(row.line.is_visible);
    data
}

pub fn user_metadata(row: &SyncedPreferences) -> Value {
    json!({ "userId": row.user_id, "key": "preferences", "value": row.preferences })
}

/// The delete events, each naming what its audit row recorded.
pub mod gone {
    use super::*;

    pub fn asset(row: &Gone) -> Value {
        json!({ "assetId": row.first })
    }
    pub fn user(row: &Gone) -> Value {
        json!({ "userId": row.first })
    }
    pub fn partner(row: &Gone) -> Value {
        json!({ "sharedById": row.first, "sharedWithId": row.second })
    }
    pub fn album(row: &Gone) -> Value {
        json!({ "albumId": row.first })
    }
    pub fn album_user(row: &Gone) -> Value {
        json!({ "albumId": row.first, "userId": row.second })
    }
    pub fn album_link(row: &Gone) -> Value {
        json!({ "albumId": row.first, "assetId": row.second })
    }
    pub fn stack(row: &Gone) -> Value {
        json!({ "stackId": row.first })
    }
    pub fn memory(row: &Gone) -> Value {
        json!({ "memoryId": row.first })
    }
    pub fn memory_asset(row: &Gone) -> Value {
        json!({ "memoryId": row.first, "assetId": row.second })
    }
    pub fn person(row: &Gone) -> Value {
        json!({ "personId": row.first })
    }
    pub fn face(row: &Gone) -> Value {
        json!({ "assetFaceId": row.first })
    }
    pub fn user_metadata(row: &Gone) -> Value {
        json!({ "userId": row.first, "key": row.key })
    }
    /// `SyncAssetOcrDeleteV1`. `id` is the line's own id, not the audit row's as Immich 3.1 sends:
    /// the app deletes the row whose id it is, so only the line's id removes anything.
    pub fn ocr_line(row: &Gone) -> Value {
        json!({ "id": row.first, "assetId": row.second, "deletedAt": row.key })
    }
}
