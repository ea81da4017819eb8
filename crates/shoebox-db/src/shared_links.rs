//! Shared links: a key that opens one album to anyone holding it, until it expires or is
//! deleted. Only the album's owner makes links.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct SharedLink {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub key: String,
    pub album_id: Uuid,
    pub description: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub allow_download: bool,
    pub show_metadata: bool,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, owner_id, key, album_id, description, expires_at, allow_download, show_metadata, created_at";

/// What a link lets its holders do, and until when.
#[derive(Debug, Clone)]
pub struct LinkSettings {
    pub description: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub allow_download: bool,
    pub show_metadata: bool,
}

/// Makes a link to the owner's album; `None` when the owner has no such album.
pub async fn create(
    pool: &PgPool,
    owner: Uuid,
    album: Uuid,
    key: &str,
    settings: &LinkSettings,
) -> sqlx::Result<Option<SharedLink>> {
    let sql = format!(
        "INSERT INTO shared_links (id, owner_id, key, album_id, description, expires_at, allow_download, show_metadata)
         SELECT $1, $2, $3, al.id, $5, $6, $7, $8 FROM albums al WHERE al.id = $4 AND al.owner_id = $2
         RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(Uuid::new_v4())
        .bind(owner)
        .bind(key)
        .bind(album)
        .bind(&settings.description)
        .bind(settings.expires_at)
        .bind(settings.allow_download)
        .bind(settings.show_metadata)
        .fetch_optional(pool)
        .await
}

/// The owner's links, newest first; only those to `album` when given.
pub async fn list(pool: &PgPool, owner: Uuid, album: Option<Uuid>) -> sqlx::Result<Vec<SharedLink>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM shared_links WHERE owner_id = $1 AND ($2::uuid IS NULL OR album_id = $2)
         ORDER BY created_at DESC, id"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(album).fetch_all(pool).await
}

pub async fn get(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<Option<SharedLink>> {
    let sql = format!("SELECT {COLUMNS} FROM shared_links WHERE owner_id = $1 AND id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(id).fetch_optional(pool).await
}

/// The link a key opens, if it exists and has not expired.
pub async fn by_key(pool: &PgPool, key: &str) -> sqlx::Result<Option<SharedLink>> {
    let sql =
        format!("SELECT {COLUMNS} FROM shared_links WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(key).fetch_optional(pool).await
}

/// Replaces a link's settings; `None` when the owner has no such link.
pub async fn update(pool: &PgPool, owner: Uuid, id: Uuid, settings: &LinkSettings) -> sqlx::Result<Option<SharedLink>> {
    let sql = format!(
        "UPDATE shared_links SET description = $3, expires_at = $4, allow_download = $5, show_metadata = $6
         WHERE owner_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(id)
        .bind(&settings.description)
        .bind(settings.expires_at)
        .bind(settings.allow_download)
        .bind(settings.show_metadata)
        .fetch_optional(pool)
        .await
}

pub async fn delete(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let result = sqlx::query("DELETE FROM shared_links WHERE owner_id = $1 AND id = $2")
        .bind(owner)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Whether the link shows this asset: in its album, not hidden or locked, not in the trash.
pub async fn shows_asset(pool: &PgPool, link: &SharedLink, asset: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM album_assets aa JOIN assets a ON a.id = aa.asset_id
                        WHERE aa.album_id = $1 AND aa.asset_id = $2 AND a.deleted_at IS NULL
                          AND a.visibility IN ('timeline', 'archive'))",
    )
    .bind(link.album_id)
    .bind(asset)
    .fetch_one(pool)
    .await
}
