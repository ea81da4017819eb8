//! What a whole-library export needs of a user's photos: each original with the facts its XMP
//! and Takeout-style sidecars carry (date taken with its offset, place, caption, rating, favorite
//! and archive states), and the albums, tags and named faces of each.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct ExportedAsset {
    pub id: Uuid,
    pub original_path: String,
    pub original_file_name: String,
    pub file_created_at: DateTime<Utc>,
    /// Wall-clock time of the shot, stored as if UTC.
    pub local_date_time: DateTime<Utc>,
    pub is_favorite: bool,
    pub visibility: String,
    pub date_time_original: Option<DateTime<Utc>>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: Option<String>,
    pub rating: Option<i32>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// The user's photos and videos outside the trash and the locked folder, oldest first.
pub async fn assets(pool: &PgPool, owner: Uuid) -> sqlx::Result<Vec<ExportedAsset>> {
    sqlx::query_as(
        "SELECT a.id, a.original_path, a.original_file_name, a.file_created_at, a.local_date_time, a.is_favorite,
                a.visibility, e.date_time_original, e.latitude, e.longitude, e.description, e.rating, a.width, a.height
         FROM assets a LEFT JOIN exif e ON e.asset_id = a.id
         WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility IN ('timeline', 'archive')
         ORDER BY a.local_date_time, a.id",
    )
    .bind(owner)
    .fetch_all(pool)
    .await
}

/// (asset, album name) for every album the user owns.
pub async fn album_memberships(pool: &PgPool, owner: Uuid) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "SELECT aa.asset_id, al.album_name FROM album_assets aa JOIN albums al ON al.id = aa.album_id
         WHERE al.owner_id = $1 ORDER BY al.album_name",
    )
    .bind(owner)
    .fetch_all(pool)
    .await
}

/// (asset, tag value such as `Parent/Child`) for the user's tags.
pub async fn tags(pool: &PgPool, owner: Uuid) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "SELECT ta.asset_id, t.value FROM tag_assets ta JOIN tags t ON t.id = ta.tag_id WHERE t.owner_id = $1 ORDER BY t.value",
    )
    .bind(owner)
    .fetch_all(pool)
    .await
}

/// A named person's face on an asset, in the pixel space of the image it was found on.
#[derive(Debug, Clone, FromRow)]
pub struct NamedFace {
    pub asset_id: Uuid,
    pub name: String,
    pub image_width: i32,
    pub image_height: i32,
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
}

pub async fn named_faces(pool: &PgPool, owner: Uuid) -> sqlx::Result<Vec<NamedFace>> {
    sqlx::query_as(
        "SELECT f.asset_id, p.name, f.image_width, f.image_height, f.bounding_box_x1 AS x1, f.bounding_box_y1 AS y1,
                f.bounding_box_x2 AS x2, f.bounding_box_y2 AS y2
         FROM asset_faces f JOIN people p ON p.id = f.person_id
         WHERE p.owner_id = $1 AND p.name <> '' ORDER BY p.name",
    )
    .bind(owner)
    .fetch_all(pool)
    .await
}
