//! What the worker reads and writes as an asset moves through the pipeline. These queries are
//! not scoped to an owner: jobs act for the system, on ids the server queued.

use chrono::{DateTime, Utc};
use shoebox_core::domain::{AssetFileKind, AssetType};
use shoebox_core::jobs::Queue;
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use crate::assets::{self, Asset};
use crate::exif::Exif;

/// An asset by id, whoever owns it.
pub async fn asset(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<Asset>> {
    let sql = format!("SELECT {} FROM {} WHERE a.id = $1", assets::COLUMNS, assets::FROM);
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await
}

/// What the metadata step found that later steps need, typed (`asset_media_facts`).
#[derive(Debug, Clone, Default, PartialEq, Eq, FromRow)]
pub struct MediaFacts {
    /// EXIF orientation, 1..=8.
    pub orientation: Option<i16>,
    /// Clockwise degrees a video's frames are turned.
    pub rotation: Option<i16>,
    pub container: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
}

/// The facts the metadata step stored for an asset; `None` before it ran.
pub async fn media_facts(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<MediaFacts>> {
    sqlx::query_as(
        "SELECT orientation, rotation, container, video_codec, audio_codec FROM asset_media_facts WHERE asset_id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// What the metadata step learned about the asset itself.
#[derive(Debug, Clone)]
pub struct AssetFacts {
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_ms: Option<i64>,
    /// When the photo was taken (UTC instant) and its wall-clock time, if the file says.
    pub taken_at: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Stores the metadata step's results and marks the step done, in one transaction. Properties
/// a user corrected by hand (`exif.locked_properties`) keep the user's values.
pub async fn save_metadata(
    pool: &PgPool,
    id: Uuid,
    exif: &Exif,
    facts: &AssetFacts,
    media: &MediaFacts,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO asset_media_facts (asset_id, orientation, rotation, container, video_codec, audio_codec)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (asset_id) DO UPDATE SET orientation = EXCLUDED.orientation, rotation = EXCLUDED.rotation,
             container = EXCLUDED.container, video_codec = EXCLUDED.video_codec, audio_codec = EXCLUDED.audio_codec",
    )
    .bind(id)
    .bind(media.orientation)
    .bind(media.rotation)
    .bind(&media.container)
    .bind(&media.video_codec)
    .bind(&media.audio_codec)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO exif (asset_id, make, model, lens_model, exposure_time, f_number, iso, focal_length,
             date_time_original, modify_date, time_zone, latitude, longitude, city, state, country, orientation,
             exif_image_width, exif_image_height, file_size_in_byte, description, projection_type, rating, fps, codec)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                 $23, $24, $25)
         ON CONFLICT (asset_id) DO UPDATE SET make = EXCLUDED.make, model = EXCLUDED.model,
             lens_model = EXCLUDED.lens_model, exposure_time = EXCLUDED.exposure_time, f_number = EXCLUDED.f_number,
             iso = EXCLUDED.iso, focal_length = EXCLUDED.focal_length,
             date_time_original = CASE WHEN 'dateTimeOriginal' = ANY(exif.locked_properties)
                 THEN exif.date_time_original ELSE EXCLUDED.date_time_original END,
             modify_date = EXCLUDED.modify_date,
             time_zone = CASE WHEN 'timeZone' = ANY(exif.locked_properties) THEN exif.time_zone ELSE EXCLUDED.time_zone END,
             latitude = CASE WHEN 'latitude' = ANY(exif.locked_properties) THEN exif.latitude ELSE EXCLUDED.latitude END,
             longitude = CASE WHEN 'longitude' = ANY(exif.locked_properties) THEN exif.longitude ELSE EXCLUDED.longitude END,
             city = CASE WHEN 'latitude' = ANY(exif.locked_properties) THEN exif.city ELSE EXCLUDED.city END,
             state = CASE WHEN 'latitude' = ANY(exif.locked_properties) THEN exif.state ELSE EXCLUDED.state END,
             country = CASE WHEN 'latitude' = ANY(exif.locked_properties) THEN exif.country ELSE EXCLUDED.country END,
             orientation = EXCLUDED.orientation, exif_image_width = EXCLUDED.exif_image_width,
             exif_image_height = EXCLUDED.exif_image_height, file_size_in_byte = EXCLUDED.file_size_in_byte,
             description = CASE WHEN 'description' = ANY(exif.locked_properties)
                 THEN exif.description ELSE EXCLUDED.description END,
             projection_type = EXCLUDED.projection_type,
             rating = CASE WHEN 'rating' = ANY(exif.locked_properties) THEN exif.rating ELSE EXCLUDED.rating END,
             fps = EXCLUDED.fps, codec = EXCLUDED.codec, updated_at = now()",
    )
    .bind(id)
    .bind(&exif.make)
    .bind(&exif.model)
    .bind(&exif.lens_model)
    .bind(&exif.exposure_time)
    .bind(exif.f_number)
    .bind(exif.iso)
    .bind(exif.focal_length)
    .bind(exif.date_time_original)
    .bind(exif.modify_date)
    .bind(&exif.time_zone)
    .bind(exif.latitude)
    .bind(exif.longitude)
    .bind(&exif.city)
    .bind(&exif.state)
    .bind(&exif.country)
    .bind(&exif.orientation)
    .bind(exif.exif_image_width)
    .bind(exif.exif_image_height)
    .bind(exif.file_size_in_byte)
    .bind(&exif.description)
    .bind(&exif.projection_type)
    .bind(exif.rating)
    .bind(exif.fps)
    .bind(&exif.codec)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE assets SET width = COALESCE($2, width), height = COALESCE($3, height),
             duration_ms = COALESCE($4, duration_ms),
             file_created_at = CASE WHEN locked THEN file_created_at ELSE COALESCE($5, file_created_at) END,
             local_date_time = CASE WHEN locked THEN local_date_time ELSE COALESCE($6, local_date_time) END,
             updated_at = now()
         FROM (SELECT COALESCE(bool_or('dateTimeOriginal' = ANY(locked_properties)), false) AS locked
               FROM exif WHERE asset_id = $1) lock
         WHERE id = $1",
    )
    .bind(id)
    .bind(facts.width)
    .bind(facts.height)
    .bind(facts.duration_ms)
    .bind(facts.taken_at.map(|(instant, _)| instant))
    .bind(facts.taken_at.map(|(_, local)| local))
    .execute(&mut *tx)
    .await?;
    mark_done(&mut tx, id, Queue::Metadata).await?;
    tx.commit().await
}

/// Where the thumbnail step put its files, and the thumbhash. Width and height are the
/// metadata step's: it reads them from the header, oriented, before any pixel is decoded.
#[derive(Debug, Clone)]
pub struct Thumbnails {
    pub thumbnail_key: String,
    pub preview_key: String,
    pub thumbhash: Vec<u8>,
}

pub async fn save_thumbnails(pool: &PgPool, id: Uuid, thumbs: &Thumbnails) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    assets::upsert_file(&mut *tx, id, AssetFileKind::Thumbnail, &thumbs.thumbnail_key).await?;
    assets::upsert_file(&mut *tx, id, AssetFileKind::Preview, &thumbs.preview_key).await?;
    sqlx::query("UPDATE assets SET thumbhash = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(&thumbs.thumbhash)
        .execute(&mut *tx)
        .await?;
    mark_done(&mut tx, id, Queue::Thumbnails).await?;
    tx.commit().await
}

/// Marks the video step done, recording the playable file when one was made.
pub async fn save_encoded_video(pool: &PgPool, id: Uuid, key: Option<&str>) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    if let Some(key) = key {
        assets::upsert_file(&mut *tx, id, AssetFileKind::EncodedVideo, key).await?;
    }
    mark_done(&mut tx, id, Queue::VideoEncode).await?;
    tx.commit().await
}

pub(crate) async fn mark_done(conn: &mut sqlx::PgConnection, id: Uuid, queue: Queue) -> sqlx::Result<()> {
    let sql = format!(
        "INSERT INTO asset_job_status (asset_id, {column}) VALUES ($1, now())
         ON CONFLICT (asset_id) DO UPDATE SET {column} = now()",
        column = queue.status_column()
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM asset_job_failures WHERE asset_id = $1 AND queue = $2")
        .bind(id)
        .bind(queue.name())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records that `queue` gave up on an asset, and why. A `transient` failure (the database or
/// storage was unavailable) is queued again by the worker's reconcile ([`Due::Lost`]); its
/// attempts add up across tries, so a failure that never passes stops being retried.
pub async fn record_failure(
    pool: &PgPool,
    id: Uuid,
    queue: Queue,
    attempts: i32,
    reason: &str,
    transient: bool,
) -> sqlx::Result<()> {
    upsert_failure(pool, id, queue, attempts, reason, false, transient).await
}

/// Parks an asset whose step needs a model that is not installed yet; the worker queues it again
/// when the model appears (see [`take_waiting`]).
pub async fn record_waiting(pool: &PgPool, id: Uuid, queue: Queue, reason: &str) -> sqlx::Result<()> {
    upsert_failure(pool, id, queue, 0, reason, true, false).await
}

async fn upsert_failure(
    pool: &PgPool,
    id: Uuid,
    queue: Queue,
    attempts: i32,
    reason: &str,
    waiting: bool,
    transient: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO asset_job_failures (asset_id, queue, attempts, reason, waiting_for_model, transient)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (asset_id, queue) DO UPDATE SET
             attempts = CASE WHEN EXCLUDED.transient AND asset_job_failures.transient
                 THEN asset_job_failures.attempts + EXCLUDED.attempts ELSE EXCLUDED.attempts END,
             reason = EXCLUDED.reason, waiting_for_model = EXCLUDED.waiting_for_model,
             transient = EXCLUDED.transient, failed_at = now()",
    )
    .bind(id)
    .bind(queue.name())
    .bind(attempts)
    .bind(reason)
    .bind(waiting)
    .bind(transient)
    .execute(pool)
    .await
    .map(|_| ())
}

/// Takes the assets parked on `queue` for its model, to queue them again now that it is
/// installed. If the model is still unusable the step parks them again.
pub async fn take_waiting(pool: &PgPool, queue: Queue) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("DELETE FROM asset_job_failures WHERE queue = $1 AND waiting_for_model RETURNING asset_id")
        .bind(queue.name())
        .fetch_all(pool)
        .await
}

/// How many assets wait on `queue` for its model.
pub async fn waiting_count(pool: &PgPool, queue: Queue) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM asset_job_failures WHERE queue = $1 AND waiting_for_model")
        .bind(queue.name())
        .fetch_one(pool)
        .await
}

/// A failed step, for the jobs API.
#[derive(Debug, Clone, FromRow)]
pub struct Failure {
    pub asset_id: Uuid,
    pub queue: String,
    pub attempts: i32,
    pub reason: String,
    pub failed_at: DateTime<Utc>,
    /// Not a failure yet: the step waits for its model.
    pub waiting_for_model: bool,
    /// Gave up on an error that may pass; the worker's reconcile tries again.
    pub transient: bool,
}

pub async fn failures(pool: &PgPool, queue: Queue, limit: i64) -> sqlx::Result<Vec<Failure>> {
    sqlx::query_as(
        "SELECT asset_id, queue, attempts, reason, failed_at, waiting_for_model, transient FROM asset_job_failures
         WHERE queue = $1
         ORDER BY failed_at DESC LIMIT $2",
    )
    .bind(queue.name())
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn failure_count(pool: &PgPool, queue: Queue) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM asset_job_failures WHERE queue = $1 AND NOT waiting_for_model")
        .bind(queue.name())
        .fetch_one(pool)
        .await
}

/// Assets that have passed the step.
pub async fn completed_count(pool: &PgPool, queue: Queue) -> sqlx::Result<i64> {
    let sql = format!("SELECT count(*) FROM asset_job_status WHERE {} IS NOT NULL", queue.status_column());
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await
}

pub async fn clear_failures(pool: &PgPool, queue: Queue) -> sqlx::Result<u64> {
    let result =
        sqlx::query("DELETE FROM asset_job_failures WHERE queue = $1").bind(queue.name()).execute(pool).await?;
    Ok(result.rows_affected())
}

/// Which assets [`due`] picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Every asset whose earlier steps are done (re-runs the step).
    All,
    /// Those whose step has not run, failed ones included (`queue missing`).
    Missing,
    /// Those whose step has not run and did not fail for good: jobs lost with Redis, never
    /// queued, or given up on an error that may pass. The worker's reconcile queues these.
    Lost,
}

/// Transient failures of one asset's step, counted in attempts, after which the reconcile stops
/// queueing it (an operator can still, with `queue missing`).
pub const TRANSIENT_ATTEMPTS_LIMIT: i32 = 30;

/// Assets that should go through `queue` now: those whose earlier steps are done and whose step
/// in `queue` is selected by `which`. Trashed assets are skipped.
pub async fn due(pool: &PgPool, queue: Queue, which: Due) -> sqlx::Result<Vec<Uuid>> {
    let prerequisite = match queue.prerequisite() {
        None => "TRUE".to_owned(),
        Some(before) => format!("s.{} IS NOT NULL", before.status_column()),
    };
    let kinds: Vec<String> =
        AssetType::ALL.iter().filter(|&&kind| queue.applies_to(kind)).map(|kind| format!("'{kind}'")).collect();
    let column = queue.status_column();
    let selection = match which {
        Due::All => "TRUE".to_owned(),
        Due::Missing => format!("s.{column} IS NULL"),
        Due::Lost => format!(
            "s.{column} IS NULL AND NOT EXISTS (SELECT 1 FROM asset_job_failures f
                 WHERE f.asset_id = a.id AND f.queue = '{queue}'
                   AND (f.waiting_for_model OR NOT f.transient OR f.attempts >= {TRANSIENT_ATTEMPTS_LIMIT}))",
            queue = queue.name()
        ),
    };
    let sql = format!(
        "SELECT a.id FROM assets a JOIN asset_job_status s ON s.asset_id = a.id
         WHERE a.deleted_at IS NULL AND a.type IN ({kinds}) AND {prerequisite} AND {selection}
         ORDER BY a.created_at",
        kinds = kinds.join(", ")
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await
}

/// Those of `queues` that have not run for the asset: a step done again (a re-run of thumbnails,
/// a restore) does not redo the steps after it, which would drop faces people were named on.
pub async fn not_done(pool: &PgPool, asset: Uuid, queues: &[Queue]) -> sqlx::Result<Vec<Queue>> {
    if queues.is_empty() {
        return Ok(Vec::new());
    }
    let columns: Vec<String> = queues.iter().map(|queue| format!("{} IS NULL", queue.status_column())).collect();
    let sql = format!("SELECT {} FROM asset_job_status WHERE asset_id = $1", columns.join(", "));
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(asset).fetch_optional(pool).await?;
    let Some(row) = row else { return Ok(queues.to_vec()) };
    use sqlx::Row;
    Ok(queues.iter().enumerate().filter(|(index, _)| row.get::<bool, _>(*index)).map(|(_, &queue)| queue).collect())
}
