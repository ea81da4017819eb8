//! Every file the database names, for the tools that move or check the library as a whole:
//! `storage migrate` walks them in key order, the orphan sweep asks which listed files are named.
//! The files of external libraries are not among them: they are the user's, where the user keeps
//! them, and no store holds them.

use std::collections::HashSet;

use sqlx::PgPool;

/// A file some row names, with what it must be: an original's SHA-1 and size, or nothing known
/// beyond its key (derived files, sidecars).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamedFile {
    pub key: String,
    pub checksum: Option<Vec<u8>>,
    pub size: Option<i64>,
}

/// The named files after `after` in key order, at most `limit`: keyset pages over the union of
/// originals, files beside them (thumbnails, previews, transcodes, sidecars) and people's crops.
pub async fn page(pool: &PgPool, after: &str, limit: i64) -> sqlx::Result<Vec<NamedFile>> {
    sqlx::query_as(
        "SELECT key, checksum, size FROM (
             SELECT original_path AS key, checksum, file_size_bytes AS size FROM assets
             UNION ALL SELECT path, NULL, NULL FROM asset_files
             UNION ALL SELECT thumbnail_path, NULL, NULL FROM people WHERE thumbnail_path IS NOT NULL
         ) named
         WHERE key > $1 AND NOT starts_with(key, 'external/') ORDER BY key LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// How many files the database names.
pub async fn count(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM assets WHERE NOT starts_with(original_path, 'external/'))
              + (SELECT count(*) FROM asset_files WHERE NOT starts_with(path, 'external/'))
              + (SELECT count(*) FROM people WHERE thumbnail_path IS NOT NULL)",
    )
    .fetch_one(pool)
    .await
}

/// Which of `keys` some row names.
pub async fn named_among(pool: &PgPool, keys: &[String]) -> sqlx::Result<HashSet<String>> {
    let named: Vec<String> = sqlx::query_scalar(
        "SELECT key FROM unnest($1::text[]) AS listed(key)
         WHERE EXISTS (SELECT 1 FROM assets WHERE original_path = key)
            OR EXISTS (SELECT 1 FROM asset_files WHERE path = key)
            OR EXISTS (SELECT 1 FROM people WHERE thumbnail_path = key)",
    )
    .bind(keys)
    .fetch_all(pool)
    .await?;
    Ok(named.into_iter().collect())
}

/// Of `keys`, those already copied to `destination` and checked there.
pub async fn copied_among(pool: &PgPool, destination: &str, keys: &[String]) -> sqlx::Result<HashSet<String>> {
    let copied: Vec<String> =
        sqlx::query_scalar("SELECT key FROM storage_copies WHERE destination = $1 AND key = ANY($2)")
            .bind(destination)
            .bind(keys)
            .fetch_all(pool)
            .await?;
    Ok(copied.into_iter().collect())
}

/// Records that `key` is at `destination` and checked.
pub async fn record_copy(pool: &PgPool, destination: &str, key: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO storage_copies (destination, key) VALUES ($1, $2)
         ON CONFLICT (destination, key) DO UPDATE SET verified_at = now()",
    )
    .bind(destination)
    .bind(key)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets what was copied to `destination` (`--restart`: check everything again).
pub async fn forget_copies(pool: &PgPool, destination: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM storage_copies WHERE destination = $1").bind(destination).execute(pool).await?.rows_affected())
}
