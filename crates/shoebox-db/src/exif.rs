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

/// A user's correction of assets' metadata; `None` leaves a field alone. Each edited field is
/// locked, so the metadata step running again keeps the correction.
#[derive(Debug, Clone, Default)]
pub struct MetadataEdit {
    pub description: Option<String>,
    /// -1 (rejected) to 5 stars; `Some(None)` clears it.
    pub rating: Option<Option<i32>>,
    pub location: Option<EditedLocation>,
    pub taken: Option<EditedDate>,
}

/// A position and the place names it resolves to.
#[derive(Debug, Clone)]
pub struct EditedLocation {
    pub latitude: f64,
    pub longitude: f64,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
}

/// When the photo was taken: the instant, its wall-clock time (kept as if UTC) and the offset.
#[derive(Debug, Clone)]
pub struct EditedDate {
    pub instant: DateTime<Utc>,
    pub local: DateTime<Utc>,
    pub time_zone: Option<String>,
}

impl MetadataEdit {
    pub fn is_empty(&self) -> bool {
        self.description.is_none() && self.rating.is_none() && self.location.is_none() && self.taken.is_none()
    }

    /// Immich's names of the properties this edit locks.
    fn locks(&self) -> Vec<&'static str> {
        let mut locks = Vec::new();
        if self.description.is_some() {
            locks.push("description");
        }
        if self.rating.is_some() {
            locks.push("rating");
        }
        if self.location.is_some() {
            locks.extend(["latitude", "longitude"]);
        }
        if self.taken.is_some() {
            locks.extend(["dateTimeOriginal", "timeZone"]);
        }
        locks
    }
}

/// Applies `edit` to the owner's assets among `ids`; returns how many were changed.
pub async fn edit(pool: &PgPool, owner: Uuid, ids: &[Uuid], edit: &MetadataEdit) -> sqlx::Result<u64> {
    if edit.is_empty() {
        return Ok(0);
    }
    let mut tx = pool.begin().await?;
    // An asset the metadata step has not reached yet gets its row now; the step keeps the locks.
    sqlx::query(
        "INSERT INTO exif (asset_id) SELECT id FROM assets WHERE owner_id = $1 AND id = ANY($2)
         ON CONFLICT (asset_id) DO NOTHING",
    )
    .bind(owner)
    .bind(ids)
    .execute(&mut *tx)
    .await?;
    let location = edit.location.as_ref();
    let taken = edit.taken.as_ref();
    let changed = sqlx::query(
        "UPDATE exif e SET
             description = CASE WHEN $3 THEN $4 ELSE e.description END,
             rating = CASE WHEN $5 THEN $6 ELSE e.rating END,
             latitude = CASE WHEN $7 THEN $8 ELSE e.latitude END,
             longitude = CASE WHEN $7 THEN $9 ELSE e.longitude END,
             city = CASE WHEN $7 THEN $10 ELSE e.city END,
             state = CASE WHEN $7 THEN $11 ELSE e.state END,
             country = CASE WHEN $7 THEN $12 ELSE e.country END,
             date_time_original = CASE WHEN $13 THEN $14 ELSE e.date_time_original END,
             time_zone = CASE WHEN $13 THEN $15 ELSE e.time_zone END,
             locked_properties = ARRAY(SELECT DISTINCT p FROM unnest(e.locked_properties || $16::text[]) p ORDER BY p),
             updated_at = now()
         FROM assets a WHERE a.id = e.asset_id AND a.owner_id = $1 AND a.id = ANY($2)",
    )
    .bind(owner)
    .bind(ids)
    .bind(edit.description.is_some())
    .bind(&edit.description)
    .bind(edit.rating.is_some())
    .bind(edit.rating.flatten())
    .bind(location.is_some())
    .bind(location.map(|l| l.latitude))
    .bind(location.map(|l| l.longitude))
    .bind(location.and_then(|l| l.city.clone()))
    .bind(location.and_then(|l| l.state.clone()))
    .bind(location.and_then(|l| l.country.clone()))
    .bind(taken.is_some())
    .bind(taken.map(|t| t.instant))
    .bind(taken.and_then(|t| t.time_zone.clone()))
    .bind(edit.locks())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // The timeline orders by the wall-clock time; the asset row carries it.
    sqlx::query(
        "UPDATE assets SET file_created_at = COALESCE($3, file_created_at),
             local_date_time = COALESCE($4, local_date_time), updated_at = now()
         WHERE owner_id = $1 AND id = ANY($2)",
    )
    .bind(owner)
    .bind(ids)
    .bind(taken.map(|t| t.instant))
    .bind(taken.map(|t| t.local))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(changed)
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

/// What an import knows of a photo beside its file, used where the file says nothing.
#[derive(Debug, Clone, Default, PartialEq, FromRow)]
pub struct FallbackFacts {
    pub source: String,
    pub taken_at: Option<DateTime<Utc>>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: Option<String>,
}

pub async fn save_fallback(pool: &PgPool, asset: Uuid, facts: &FallbackFacts) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO asset_fallback_facts (asset_id, source, taken_at, latitude, longitude, description)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (asset_id) DO UPDATE SET source = EXCLUDED.source, taken_at = EXCLUDED.taken_at,
             latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, description = EXCLUDED.description",
    )
    .bind(asset)
    .bind(&facts.source)
    .bind(facts.taken_at)
    .bind(facts.latitude)
    .bind(facts.longitude)
    .bind(&facts.description)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn fallback(pool: &PgPool, asset: Uuid) -> sqlx::Result<Option<FallbackFacts>> {
    sqlx::query_as("SELECT source, taken_at, latitude, longitude, description FROM asset_fallback_facts WHERE asset_id = $1")
        .bind(asset)
        .fetch_optional(pool)
        .await
}
