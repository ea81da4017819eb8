//! What the metadata step read from a file: camera, exposure, dates, place, video streams.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

/// A row of the `exif` table, as the metadata step writes it and the API reads it.
#[derive(Debug, Clone, Default, FromRow)]
pub struct Exif {
    pub make: Option<String>,
    pub model: Option<String>,
    pub lens_model: Option<String>,
    pub exposure_time: Option<String>,
    pub f_number: Option<f64>,
    pub iso: Option<i32>,
    pub focal_length: Option<f64>,
    pub date_time_original: Option<DateTime<Utc>>,
    pub modify_date: Option<DateTime<Utc>>,
    pub time_zone: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub orientation: Option<String>,
    pub exif_image_width: Option<i32>,
    pub exif_image_height: Option<i32>,
    pub file_size_in_byte: Option<i64>,
    pub description: Option<String>,
    pub projection_type: Option<String>,
    pub rating: Option<i32>,
    pub fps: Option<f64>,
    pub codec: Option<String>,
}

/// The columns of [`Exif`], for queries on `exif e`.
pub(crate) const COLUMNS: &str = "e.make, e.model, e.lens_model, e.exposure_time, e.f_number, e.iso, \
    e.focal_length, e.date_time_original, e.modify_date, e.time_zone, e.latitude, e.longitude, e.city, e.state, \
    e.country, e.orientation, e.exif_image_width, e.exif_image_height, e.file_size_in_byte, e.description, \
    e.projection_type, e.rating, e.fps, e.codec";

/// The owner's asset's EXIF row, once the metadata step has written one.
pub async fn get(pool: &PgPool, owner: Uuid, asset: Uuid) -> sqlx::Result<Option<Exif>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM exif e JOIN assets a ON a.id = e.asset_id WHERE a.owner_id = $1 AND e.asset_id = $2"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(asset).fetch_optional(pool).await
}

/// A photo with a position, for the map.
#[derive(Debug, Clone, FromRow)]
pub struct MapMarker {
    pub id: Uuid,
    pub latitude: f64,
    pub longitude: f64,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
}

/// Which of the owner's photos the map shows.
#[derive(Debug, Clone, Default)]
pub struct MarkerFilter {
    /// Archived photos too (the timeline's never are).
    pub with_archived: bool,
    pub is_favorite: Option<bool>,
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
}

pub async fn map_markers(pool: &PgPool, owner: Uuid, filter: &MarkerFilter) -> sqlx::Result<Vec<MapMarker>> {
    sqlx::query_as(
        "SELECT a.id, e.latitude, e.longitude, e.city, e.state, e.country
         FROM assets a JOIN exif e ON e.asset_id = a.id
         WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL
           AND (a.visibility = 'timeline' OR ($2 AND a.visibility = 'archive'))
           AND ($3::boolean IS NULL OR a.is_favorite = $3)
           AND ($4::timestamptz IS NULL OR a.file_created_at >= $4)
           AND ($5::timestamptz IS NULL OR a.file_created_at <= $5)
         ORDER BY a.local_date_time DESC",
    )
    .bind(owner)
    .bind(filter.with_archived)
    .bind(filter.is_favorite)
    .bind(filter.created_after)
    .bind(filter.created_before)
    .fetch_all(pool)
    .await
}
