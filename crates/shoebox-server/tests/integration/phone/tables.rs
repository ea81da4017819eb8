//! The app's remote-data tables in SQLite, as its Drift entities declare them
//! (`mobile/lib/infrastructure/entities/*.entity.dart` at Immich 3.1), with the same foreign
//! keys and `onDelete` actions, and the writes `sync_stream.repository.dart` makes per entity
//! type. Every write runs with `PRAGMA foreign_keys = ON`, so a row whose parent the phone never
//! received fails as it does in the app.

use rusqlite::{Connection, params};
use serde_json::Value;

pub const SCHEMA: &str = "
CREATE TABLE user_entity (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, has_profile_image INTEGER NOT NULL DEFAULT 0,
    profile_changed_at TEXT, avatar_color TEXT);
CREATE TABLE auth_user_entity (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, is_admin INTEGER NOT NULL DEFAULT 0,
    has_profile_image INTEGER NOT NULL DEFAULT 0, profile_changed_at TEXT, avatar_color TEXT,
    quota_size_in_bytes INTEGER NOT NULL DEFAULT 0, quota_usage_in_bytes INTEGER NOT NULL DEFAULT 0, pin_code TEXT);
CREATE TABLE remote_asset_entity (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, created_at TEXT, updated_at TEXT, width INTEGER,
    height INTEGER, duration_ms INTEGER, checksum TEXT NOT NULL, is_favorite INTEGER NOT NULL DEFAULT 0,
    owner_id TEXT NOT NULL REFERENCES user_entity (id) ON DELETE CASCADE, local_date_time TEXT, thumb_hash TEXT,
    deleted_at TEXT, uploaded_at TEXT, live_photo_video_id TEXT, visibility TEXT NOT NULL, stack_id TEXT,
    library_id TEXT, is_edited INTEGER NOT NULL DEFAULT 0);
CREATE TABLE remote_exif_entity (
    asset_id TEXT PRIMARY KEY REFERENCES remote_asset_entity (id) ON DELETE CASCADE, city TEXT, state TEXT,
    country TEXT, date_time_original TEXT, description TEXT, height INTEGER, width INTEGER, exposure_time TEXT,
    f_number REAL, file_size INTEGER, focal_length REAL, latitude REAL, longitude REAL, iso INTEGER, make TEXT,
    model TEXT, lens TEXT, orientation TEXT, time_zone TEXT, rating INTEGER, projection_type TEXT);
CREATE TABLE partner_entity (
    shared_by_id TEXT NOT NULL REFERENCES user_entity (id) ON DELETE CASCADE,
    shared_with_id TEXT NOT NULL REFERENCES user_entity (id) ON DELETE CASCADE,
    in_timeline INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (shared_by_id, shared_with_id));
CREATE TABLE remote_album_entity (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', created_at TEXT, updated_at TEXT,
    thumbnail_asset_id TEXT REFERENCES remote_asset_entity (id) ON DELETE SET NULL,
    is_activity_enabled INTEGER NOT NULL DEFAULT 1, \"order\" TEXT NOT NULL);
CREATE TABLE remote_album_user_entity (
    album_id TEXT NOT NULL REFERENCES remote_album_entity (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES user_entity (id) ON DELETE CASCADE, role TEXT NOT NULL,
    PRIMARY KEY (album_id, user_id));
CREATE TABLE remote_album_asset_entity (
    asset_id TEXT NOT NULL REFERENCES remote_asset_entity (id) ON DELETE CASCADE,
    album_id TEXT NOT NULL REFERENCES remote_album_entity (id) ON DELETE CASCADE, PRIMARY KEY (asset_id, album_id));
CREATE TABLE memory_entity (
    id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT, deleted_at TEXT,
    owner_id TEXT NOT NULL REFERENCES user_entity (id) ON DELETE CASCADE, type TEXT NOT NULL, data TEXT NOT NULL,
    is_saved INTEGER NOT NULL DEFAULT 0, memory_at TEXT NOT NULL, seen_at TEXT, show_at TEXT, hide_at TEXT);
CREATE TABLE memory_asset_entity (
    asset_id TEXT NOT NULL REFERENCES remote_asset_entity (id) ON DELETE CASCADE,
    memory_id TEXT NOT NULL REFERENCES memory_entity (id) ON DELETE CASCADE, PRIMARY KEY (asset_id, memory_id));
CREATE TABLE stack_entity (
    id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT,
    owner_id TEXT NOT NULL REFERENCES user_entity (id) ON DELETE CASCADE, primary_asset_id TEXT NOT NULL);
CREATE TABLE person_entity (
    id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT,
    owner_id TEXT NOT NULL REFERENCES user_entity (id) ON DELETE CASCADE, name TEXT NOT NULL, face_asset_id TEXT,
    is_favorite INTEGER NOT NULL, is_hidden INTEGER NOT NULL, color TEXT, birth_date TEXT);
CREATE TABLE asset_face_entity (
    id TEXT PRIMARY KEY, asset_id TEXT NOT NULL REFERENCES remote_asset_entity (id) ON DELETE CASCADE,
    person_id TEXT REFERENCES person_entity (id) ON DELETE SET NULL, image_width INTEGER NOT NULL,
    image_height INTEGER NOT NULL, bounding_box_x1 INTEGER NOT NULL, bounding_box_y1 INTEGER NOT NULL,
    bounding_box_x2 INTEGER NOT NULL, bounding_box_y2 INTEGER NOT NULL, source_type TEXT NOT NULL,
    is_visible INTEGER NOT NULL DEFAULT 1, deleted_at TEXT);
CREATE TABLE user_metadata_entity (
    user_id TEXT NOT NULL REFERENCES user_entity (id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (user_id, key));
CREATE TABLE asset_edit_entity (
    id TEXT PRIMARY KEY, asset_id TEXT NOT NULL REFERENCES remote_asset_entity (id) ON DELETE CASCADE,
    action TEXT NOT NULL, parameters TEXT NOT NULL, sequence INTEGER NOT NULL);
CREATE TABLE asset_ocr_entity (
    id TEXT PRIMARY KEY, asset_id TEXT NOT NULL REFERENCES remote_asset_entity (id) ON DELETE CASCADE,
    x1 REAL NOT NULL, y1 REAL NOT NULL, x2 REAL NOT NULL, y2 REAL NOT NULL, x3 REAL NOT NULL, y3 REAL NOT NULL,
    x4 REAL NOT NULL, y4 REAL NOT NULL, box_score REAL NOT NULL, text_score REAL NOT NULL,
    recognized_text TEXT NOT NULL, is_visible INTEGER NOT NULL DEFAULT 1);
CREATE TABLE remote_asset_cloud_id_entity (
    asset_id TEXT PRIMARY KEY REFERENCES remote_asset_entity (id) ON DELETE CASCADE, cloud_id TEXT,
    created_at TEXT, adjustment_time TEXT, latitude REAL, longitude REAL);
";

/// The tables `SyncStreamRepository.reset()` empties.
const REMOTE_TABLES: &[&str] = &[
    "asset_face_entity",
    "memory_asset_entity",
    "memory_entity",
    "partner_entity",
    "person_entity",
    "remote_album_asset_entity",
    "remote_album_entity",
    "remote_album_user_entity",
    "remote_asset_entity",
    "remote_exif_entity",
    "stack_entity",
    "auth_user_entity",
    "user_entity",
    "user_metadata_entity",
    "remote_asset_cloud_id_entity",
    "asset_edit_entity",
    "asset_ocr_entity",
];

pub fn open() -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch(SCHEMA).unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let on: i64 = db.query_row("PRAGMA foreign_keys", [], |row| row.get(0)).unwrap();
    assert_eq!(on, 1, "foreign keys are enforced, as in the app");
    db
}

/// `reset()`: foreign keys off, every remote table emptied, foreign keys on again.
pub fn reset(db: &Connection) {
    db.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    for table in REMOTE_TABLES {
        db.execute(&format!("DELETE FROM {table}"), []).unwrap();
    }
    db.execute_batch("PRAGMA foreign_keys = ON").unwrap();
}

fn text(data: &Value, key: &str) -> Option<String> {
    match &data[key] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn num(data: &Value, key: &str) -> Option<f64> {
    data[key].as_f64()
}

fn int(data: &Value, key: &str) -> Option<i64> {
    data[key].as_i64()
}

fn flag(data: &Value, key: &str) -> bool {
    data[key].as_bool().unwrap_or(false)
}

/// `H:MM:SS.ffffff` (SyncAssetV1's duration) in milliseconds, as `toDuration()` reads it.
fn duration_ms(duration: Option<&str>) -> i64 {
    let Some(duration) = duration else { return 0 };
    let parts: Vec<&str> = duration.split(':').collect();
    if parts.len() != 3 {
        return 0;
    }
    let hours: f64 = parts[0].parse().unwrap_or(0.0);
    let minutes: f64 = parts[1].parse().unwrap_or(0.0);
    let seconds: f64 = parts[2].parse().unwrap_or(0.0);
    ((hours * 3600.0 + minutes * 60.0 + seconds) * 1000.0) as i64
}

/// Applies one batch of same-typed events as the app's repository does; an error is what the
/// app would throw (and so abort the sync).
pub fn apply(db: &mut Connection, entity: &str, rows: &[Value]) -> rusqlite::Result<()> {
    let tx = db.transaction()?;
    for d in rows {
        apply_one(&tx, entity, d)?;
    }
    tx.commit()
}

fn apply_one(db: &Connection, entity: &str, d: &Value) -> rusqlite::Result<()> {
    let id = text(d, "id");
    match entity {
        "AuthUserV1" => {
            db.execute(
                "INSERT INTO auth_user_entity (id, name, email, has_profile_image, profile_changed_at, avatar_color,
                     is_admin, pin_code, quota_size_in_bytes, quota_usage_in_bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, email = ?3, has_profile_image = ?4,
                     profile_changed_at = ?5, avatar_color = ?6, is_admin = ?7, pin_code = ?8,
                     quota_size_in_bytes = ?9, quota_usage_in_bytes = ?10",
                params![
                    id,
                    text(d, "name"),
                    text(d, "email"),
                    flag(d, "hasProfileImage"),
                    text(d, "profileChangedAt"),
                    text(d, "avatarColor"),
                    flag(d, "isAdmin"),
                    text(d, "pinCode"),
                    int(d, "quotaSizeInBytes").unwrap_or(0),
                    int(d, "quotaUsageInBytes"),
                ],
            )?;
        }
        "UserV1" => {
            db.execute(
                "INSERT INTO user_entity (id, name, email, has_profile_image, profile_changed_at, avatar_color)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, email = ?3, has_profile_image = ?4,
                     profile_changed_at = ?5, avatar_color = ?6",
                params![
                    id,
                    text(d, "name"),
                    text(d, "email"),
                    flag(d, "hasProfileImage"),
                    text(d, "profileChangedAt"),
                    text(d, "avatarColor")
                ],
            )?;
        }
        "UserDeleteV1" => {
            db.execute("DELETE FROM user_entity WHERE id = ?1", params![text(d, "userId")])?;
        }
        "PartnerV1" => {
            db.execute(
                "INSERT INTO partner_entity (shared_by_id, shared_with_id, in_timeline) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET in_timeline = ?3",
                params![text(d, "sharedById"), text(d, "sharedWithId"), flag(d, "inTimeline")],
            )?;
        }
        "PartnerDeleteV1" => {
            db.execute(
                "DELETE FROM partner_entity WHERE shared_by_id = ?1 AND shared_with_id = ?2",
                params![text(d, "sharedById"), text(d, "sharedWithId")],
            )?;
        }
        "AssetV1"
        | "PartnerAssetV1"
        | "PartnerAssetBackfillV1"
        | "AlbumAssetCreateV1"
        | "AlbumAssetUpdateV1"
        | "AlbumAssetBackfillV1" => {
            let duration = duration_ms(d["duration"].as_str());
            upsert_asset(db, d, duration)?;
        }
        "AssetV2"
        | "PartnerAssetV2"
        | "PartnerAssetBackfillV2"
        | "AlbumAssetCreateV2"
        | "AlbumAssetUpdateV2"
        | "AlbumAssetBackfillV2" => {
            upsert_asset(db, d, int(d, "duration").unwrap_or(0))?;
        }
        "AssetDeleteV1" | "PartnerAssetDeleteV1" => {
            db.execute("DELETE FROM remote_asset_entity WHERE id = ?1", params![text(d, "assetId")])?;
        }
        "AssetExifV1"
        | "PartnerAssetExifV1"
        | "PartnerAssetExifBackfillV1"
        | "AlbumAssetExifCreateV1"
        | "AlbumAssetExifUpdateV1"
        | "AlbumAssetExifBackfillV1" => upsert_exif(db, d)?,
        "AssetEditV1" => {
            db.execute(
                "INSERT INTO asset_edit_entity (id, asset_id, action, parameters, sequence) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET asset_id = ?2, action = ?3, parameters = ?4, sequence = ?5",
                params![id, text(d, "assetId"), text(d, "action"), d["parameters"].to_string(), int(d, "sequence")],
            )?;
        }
        "AssetEditDeleteV1" => {
            db.execute("DELETE FROM asset_edit_entity WHERE id = ?1", params![text(d, "editId")])?;
        }
        // Only the mobile app's own key is stored (`kMobileMetadataKey`).
        "AssetMetadataV1" | "AssetMetadataDeleteV1" => {}
        "AlbumV1" | "AlbumV2" => {
            db.execute(
                "INSERT INTO remote_album_entity (id, name, description, is_activity_enabled, \"order\",
                     thumbnail_asset_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, description = ?3, is_activity_enabled = ?4,
                     \"order\" = ?5, thumbnail_asset_id = ?6, created_at = ?7, updated_at = ?8",
                params![
                    id,
                    text(d, "name"),
                    text(d, "description"),
                    flag(d, "isActivityEnabled"),
                    text(d, "order"),
                    text(d, "thumbnailAssetId"),
                    text(d, "createdAt"),
                    text(d, "updatedAt"),
                ],
            )?;
            if entity == "AlbumV1" {
                db.execute(
                    "INSERT INTO remote_album_user_entity (album_id, user_id, role) VALUES (?1, ?2, 'owner')
                     ON CONFLICT DO UPDATE SET role = 'owner'",
                    params![id, text(d, "ownerId")],
                )?;
            }
        }
        "AlbumDeleteV1" => {
            db.execute("DELETE FROM remote_album_entity WHERE id = ?1", params![text(d, "albumId")])?;
        }
        "AlbumUserV1" | "AlbumUserBackfillV1" => {
            db.execute(
                "INSERT INTO remote_album_user_entity (album_id, user_id, role) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET role = ?3",
                params![text(d, "albumId"), text(d, "userId"), text(d, "role")],
            )?;
        }
        "AlbumUserDeleteV1" => {
            db.execute(
                "DELETE FROM remote_album_user_entity WHERE album_id = ?1 AND user_id = ?2",
                params![text(d, "albumId"), text(d, "userId")],
            )?;
        }
        "AlbumToAssetV1" | "AlbumToAssetBackfillV1" => {
            db.execute(
                "INSERT INTO remote_album_asset_entity (album_id, asset_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![text(d, "albumId"), text(d, "assetId")],
            )?;
        }
        "AlbumToAssetDeleteV1" => {
            db.execute(
                "DELETE FROM remote_album_asset_entity WHERE album_id = ?1 AND asset_id = ?2",
                params![text(d, "albumId"), text(d, "assetId")],
            )?;
        }
        "MemoryV1" => {
            db.execute(
                "INSERT INTO memory_entity (id, created_at, deleted_at, owner_id, type, data, is_saved, memory_at,
                     seen_at, show_at, hide_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET created_at = ?2, deleted_at = ?3, owner_id = ?4, type = ?5, data = ?6,
                     is_saved = ?7, memory_at = ?8, seen_at = coalesce(?9, seen_at), show_at = coalesce(?10, show_at),
                     hide_at = coalesce(?11, hide_at)",
                params![
                    id,
                    text(d, "createdAt"),
                    text(d, "deletedAt"),
                    text(d, "ownerId"),
                    text(d, "type"),
                    d["data"].to_string(),
                    flag(d, "isSaved"),
                    text(d, "memoryAt"),
                    text(d, "seenAt"),
                    text(d, "showAt"),
                    text(d, "hideAt"),
                ],
            )?;
        }
        "MemoryDeleteV1" => {
            db.execute("DELETE FROM memory_entity WHERE id = ?1", params![text(d, "memoryId")])?;
        }
        "MemoryToAssetV1" => {
            db.execute(
                "INSERT INTO memory_asset_entity (memory_id, asset_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![text(d, "memoryId"), text(d, "assetId")],
            )?;
        }
        "MemoryToAssetDeleteV1" => {
            db.execute(
                "DELETE FROM memory_asset_entity WHERE memory_id = ?1 AND asset_id = ?2",
                params![text(d, "memoryId"), text(d, "assetId")],
            )?;
        }
        "StackV1" | "PartnerStackV1" | "PartnerStackBackfillV1" => {
            db.execute(
                "INSERT INTO stack_entity (id, created_at, updated_at, owner_id, primary_asset_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET created_at = ?2, updated_at = ?3, owner_id = ?4, primary_asset_id = ?5",
                params![id, text(d, "createdAt"), text(d, "updatedAt"), text(d, "ownerId"), text(d, "primaryAssetId")],
            )?;
        }
        "StackDeleteV1" | "PartnerStackDeleteV1" => {
            db.execute("DELETE FROM stack_entity WHERE id = ?1", params![text(d, "stackId")])?;
        }
        "UserMetadataV1" => {
            db.execute(
                "INSERT INTO user_metadata_entity (user_id, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET value = ?3",
                params![text(d, "userId"), text(d, "key"), d["value"].to_string()],
            )?;
        }
        "UserMetadataDeleteV1" => {
            db.execute(
                "DELETE FROM user_metadata_entity WHERE user_id = ?1 AND key = ?2",
                params![text(d, "userId"), text(d, "key")],
            )?;
        }
        "PersonV1" => {
            db.execute(
                "INSERT INTO person_entity (id, created_at, updated_at, owner_id, name, face_asset_id, is_favorite,
                     is_hidden, color, birth_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO UPDATE SET created_at = ?2, updated_at = ?3, owner_id = ?4, name = ?5,
                     face_asset_id = ?6, is_favorite = ?7, is_hidden = ?8, color = ?9, birth_date = ?10",
                params![
                    id,
                    text(d, "createdAt"),
                    text(d, "updatedAt"),
                    text(d, "ownerId"),
                    text(d, "name"),
                    text(d, "faceAssetId"),
                    flag(d, "isFavorite"),
                    flag(d, "isHidden"),
                    text(d, "color"),
                    text(d, "birthDate"),
                ],
            )?;
        }
        "PersonDeleteV1" => {
            db.execute("DELETE FROM person_entity WHERE id = ?1", params![text(d, "personId")])?;
        }
        "AssetFaceV1" | "AssetFaceV2" => {
            let visible = if entity == "AssetFaceV1" { true } else { flag(d, "isVisible") };
            db.execute(
                "INSERT INTO asset_face_entity (id, asset_id, person_id, image_width, image_height, bounding_box_x1,
                     bounding_box_y1, bounding_box_x2, bounding_box_y2, source_type, deleted_at, is_visible)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (id) DO UPDATE SET asset_id = ?2, person_id = ?3, image_width = ?4, image_height = ?5,
                     bounding_box_x1 = ?6, bounding_box_y1 = ?7, bounding_box_x2 = ?8, bounding_box_y2 = ?9,
                     source_type = ?10, deleted_at = ?11, is_visible = ?12",
                params![
                    id,
                    text(d, "assetId"),
                    text(d, "personId"),
                    int(d, "imageWidth"),
                    int(d, "imageHeight"),
                    int(d, "boundingBoxX1"),
                    int(d, "boundingBoxY1"),
                    int(d, "boundingBoxX2"),
                    int(d, "boundingBoxY2"),
                    text(d, "sourceType"),
                    text(d, "deletedAt"),
                    visible,
                ],
            )?;
        }
        "AssetFaceDeleteV1" => {
            db.execute("DELETE FROM asset_face_entity WHERE id = ?1", params![text(d, "assetFaceId")])?;
        }
        "AssetOcrV1" => {
            db.execute(
                "INSERT OR REPLACE INTO asset_ocr_entity (id, asset_id, recognized_text, x1, y1, x2, y2, x3, y3, x4, y4,
                     box_score, text_score, is_visible) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    id,
                    text(d, "assetId"),
                    text(d, "text"),
                    num(d, "x1"),
                    num(d, "y1"),
                    num(d, "x2"),
                    num(d, "y2"),
                    num(d, "x3"),
                    num(d, "y3"),
                    num(d, "x4"),
                    num(d, "y4"),
                    num(d, "boxScore"),
                    num(d, "textScore"),
                    flag(d, "isVisible"),
                ],
            )?;
        }
        "AssetOcrDeleteV1" => {
            db.execute("DELETE FROM asset_ocr_entity WHERE id = ?1", params![text(d, "id")])?;
        }
        // Checkpoints and markers: nothing to store (SyncResetV1 is handled by the caller).
        "SyncAckV1" | "SyncCompleteV1" | "SyncResetV1" => {}
        other => panic!("the app has no handler for {other}"),
    }
    Ok(())
}

fn upsert_asset(db: &Connection, d: &Value, duration_ms: i64) -> rusqlite::Result<()> {
    db.execute(
        "INSERT INTO remote_asset_entity (id, name, type, created_at, updated_at, uploaded_at, duration_ms, checksum,
             is_favorite, owner_id, local_date_time, thumb_hash, deleted_at, visibility, live_photo_video_id, stack_id,
             library_id, width, height, is_edited)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
         ON CONFLICT (id) DO UPDATE SET name = ?2, type = ?3, created_at = coalesce(?4, created_at),
             updated_at = coalesce(?5, updated_at), uploaded_at = ?6, duration_ms = ?7, checksum = ?8,
             is_favorite = ?9, owner_id = ?10, local_date_time = ?11, thumb_hash = ?12, deleted_at = ?13,
             visibility = ?14, live_photo_video_id = ?15, stack_id = ?16, library_id = ?17, width = ?18,
             height = ?19, is_edited = ?20",
        params![
            text(d, "id"),
            text(d, "originalFileName"),
            text(d, "type"),
            text(d, "fileCreatedAt"),
            text(d, "fileModifiedAt"),
            text(d, "createdAt"),
            duration_ms,
            text(d, "checksum"),
            flag(d, "isFavorite"),
            text(d, "ownerId"),
            text(d, "localDateTime"),
            text(d, "thumbhash"),
            text(d, "deletedAt"),
            text(d, "visibility"),
            text(d, "livePhotoVideoId"),
            text(d, "stackId"),
            text(d, "libraryId"),
            int(d, "width"),
            int(d, "height"),
            flag(d, "isEdited"),
        ],
    )?;
    Ok(())
}

/// The EXIF upsert, then (as the app does) the asset's size from EXIF where it has none.
fn upsert_exif(db: &Connection, d: &Value) -> rusqlite::Result<()> {
    db.execute(
        "INSERT INTO remote_exif_entity (asset_id, city, state, country, date_time_original, description,
             exposure_time, f_number, file_size, focal_length, latitude, longitude, iso, make, model, orientation,
             time_zone, rating, projection_type, lens, width, height)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
         ON CONFLICT (asset_id) DO UPDATE SET city = ?2, state = ?3, country = ?4, date_time_original = ?5,
             description = ?6, exposure_time = ?7, f_number = ?8, file_size = ?9, focal_length = ?10, latitude = ?11,
             longitude = ?12, iso = ?13, make = ?14, model = ?15, orientation = ?16, time_zone = ?17, rating = ?18,
             projection_type = ?19, lens = ?20, width = ?21, height = ?22",
        params![
            text(d, "assetId"),
            text(d, "city"),
            text(d, "state"),
            text(d, "country"),
            text(d, "dateTimeOriginal"),
            text(d, "description"),
            text(d, "exposureTime"),
            num(d, "fNumber"),
            int(d, "fileSizeInByte"),
            num(d, "focalLength"),
            num(d, "latitude"),
            num(d, "longitude"),
            int(d, "iso"),
            text(d, "make"),
            text(d, "model"),
            text(d, "orientation"),
            text(d, "timeZone"),
            int(d, "rating"),
            text(d, "projectionType"),
            text(d, "lensModel"),
            int(d, "exifImageWidth"),
            int(d, "exifImageHeight"),
        ],
    )?;
    db.execute(
        "UPDATE remote_asset_entity SET width = ?2, height = ?3 WHERE id = ?1 AND width IS NULL AND height IS NULL",
        params![text(d, "assetId"), int(d, "exifImageWidth"), int(d, "exifImageHeight")],
    )?;
    Ok(())
}
