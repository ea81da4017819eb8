//! The library's own files, as backups and the scrub see them: every uploaded original with its
//! SHA-1 (and sidecar), the scrub's readings, and the problems it found. External libraries'
//! files are the user's own folders and are neither backed up nor scrubbed.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection, PgPool};
use uuid::Uuid;

/// An uploaded original (and its sidecar) as a backup or the scrub reads it.
#[derive(Debug, Clone, FromRow)]
pub struct StoredOriginal {
    pub asset_id: Uuid,
    pub owner_id: Uuid,
    pub checksum: Vec<u8>,
    pub file_size_bytes: i64,
    pub original_path: String,
    pub sidecar_path: Option<String>,
}

const ORIGINALS: &str = "SELECT a.id AS asset_id, a.owner_id, a.checksum, a.file_size_bytes, a.original_path,
        f.path AS sidecar_path
    FROM assets a LEFT JOIN asset_files f ON f.asset_id = a.id AND f.kind = 'sidecar'
    WHERE a.library_id IS NULL";

/// Every uploaded original, read on the caller's connection (a backup reads them in the
/// snapshot its database dump is taken in).
pub async fn originals(conn: &mut PgConnection) -> sqlx::Result<Vec<StoredOriginal>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{ORIGINALS} ORDER BY a.id"))).fetch_all(conn).await
}

/// The share of originals a scrub reads next: never read first, then those read longest ago.
pub async fn due_for_scrub(pool: &PgPool, percent: f64) -> sqlx::Result<Vec<StoredOriginal>> {
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM assets WHERE library_id IS NULL").fetch_one(pool).await?;
    let take = ((count as f64) * percent.clamp(0.0, 100.0) / 100.0).ceil() as i64;
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ORIGINALS} ORDER BY (SELECT i.checked_at FROM asset_integrity i WHERE i.asset_id = a.id) NULLS FIRST, a.id
         LIMIT $1"
    )))
    .bind(take)
    .fetch_all(pool)
    .await
}

/// What the scrub found reading an original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Matched,
    /// The bytes hash to `found`, not to the row's SHA-1.
    Mismatch { found: Vec<u8> },
    Missing,
}

pub async fn record(pool: &PgPool, asset: Uuid, reading: &Reading) -> sqlx::Result<()> {
    let (problem, found) = match reading {
        Reading::Matched => (None, None),
        Reading::Mismatch { found } => (Some("mismatch"), Some(found.as_slice())),
        Reading::Missing => (Some("missing"), None),
    };
    sqlx::query(
        "INSERT INTO asset_integrity (asset_id, checked_at, problem, found_sha1) VALUES ($1, now(), $2, $3)
         ON CONFLICT (asset_id) DO UPDATE SET checked_at = now(), problem = EXCLUDED.problem, found_sha1 = EXCLUDED.found_sha1",
    )
    .bind(asset)
    .bind(problem)
    .bind(found)
    .execute(pool)
    .await?;
    Ok(())
}

/// An original the scrub (or a backup) found damaged or gone.
#[derive(Debug, Clone, FromRow)]
pub struct Problem {
    pub asset_id: Uuid,
    pub owner_id: Uuid,
    pub original_file_name: String,
    pub original_path: String,
    pub checksum: Vec<u8>,
    pub file_size_bytes: i64,
    /// `mismatch` or `missing`.
    pub problem: String,
    pub found_sha1: Option<Vec<u8>>,
    pub checked_at: DateTime<Utc>,
}

const PROBLEMS: &str = "SELECT a.id AS asset_id, a.owner_id, a.original_file_name, a.original_path, a.checksum,
        a.file_size_bytes, i.problem, i.found_sha1, i.checked_at
    FROM asset_integrity i JOIN assets a ON a.id = i.asset_id WHERE i.problem IS NOT NULL";

pub async fn problems(pool: &PgPool) -> sqlx::Result<Vec<Problem>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{PROBLEMS} ORDER BY i.checked_at DESC LIMIT 1000"))).fetch_all(pool).await
}

pub async fn problem(pool: &PgPool, asset: Uuid) -> sqlx::Result<Option<Problem>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{PROBLEMS} AND a.id = $1"))).bind(asset).fetch_optional(pool).await
}

/// How many originals there are and how many the scrub has read, for the admin page.
pub async fn coverage(pool: &PgPool) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM assets WHERE library_id IS NULL),
                (SELECT count(*) FROM asset_integrity i JOIN assets a ON a.id = i.asset_id WHERE a.library_id IS NULL)",
    )
    .fetch_one(pool)
    .await
}

/// After a restore: the files the worker made are not in the backup, so every asset needs its
/// thumbnails, previews, transcodes and face crops made again. Machine-learning results are in
/// the database and are kept (named people stay named).
pub async fn forget_derived_files(pool: &PgPool) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let removed = sqlx::query("DELETE FROM asset_files WHERE kind <> 'sidecar'").execute(&mut *tx).await?.rows_affected();
    sqlx::query("UPDATE asset_job_status SET thumbnails_generated_at = NULL, video_encoded_at = NULL")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE people SET thumbnail_path = NULL WHERE thumbnail_path IS NOT NULL").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM asset_integrity").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM storage_copies").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(removed)
}
