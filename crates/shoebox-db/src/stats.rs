//! Counts and storage figures: per user for `/assets/statistics`, per installation for the
//! admin's `/server/statistics`.

use sqlx::{FromRow, PgPool};
use uuid::Uuid;

/// Which assets `/assets/statistics` counts.
#[derive(Debug, Clone, Default)]
pub struct AssetCountFilter {
    pub is_favorite: Option<bool>,
    pub is_trashed: Option<bool>,
    pub visibility: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, FromRow, PartialEq, Eq)]
pub struct AssetCounts {
    pub images: i64,
    pub videos: i64,
}

pub async fn asset_counts(pool: &PgPool, owner: Uuid, filter: &AssetCountFilter) -> sqlx::Result<AssetCounts> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE type = 'IMAGE') AS images, count(*) FILTER (WHERE type = 'VIDEO') AS videos
         FROM assets
         WHERE owner_id = $1
           AND ($2::boolean IS NULL OR is_favorite = $2)
           AND ($3::boolean IS NULL OR (deleted_at IS NOT NULL) = $3)
           AND (($4::text IS NULL AND visibility IN ('timeline', 'archive')) OR visibility = $4)",
    )
    .bind(owner)
    .bind(filter.is_favorite)
    .bind(filter.is_trashed)
    .bind(&filter.visibility)
    .fetch_one(pool)
    .await
}

/// One user's share of the library, for the admin's statistics and user list.
#[derive(Debug, Clone, FromRow)]
pub struct UserUsage {
    pub user_id: Uuid,
    pub user_name: String,
    pub quota_size_bytes: Option<i64>,
    pub photos: i64,
    pub videos: i64,
    pub usage_photos: i64,
    pub usage_videos: i64,
}

impl UserUsage {
    pub fn usage(&self) -> i64 {
        self.usage_photos + self.usage_videos
    }
}

/// Every user's counts and bytes (originals), in one query.
pub async fn usage_by_user(pool: &PgPool) -> sqlx::Result<Vec<UserUsage>> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.name AS user_name, u.quota_size_bytes,
                count(a.id) FILTER (WHERE a.type = 'IMAGE') AS photos,
                count(a.id) FILTER (WHERE a.type = 'VIDEO') AS videos,
                COALESCE(sum(a.file_size_bytes) FILTER (WHERE a.type = 'IMAGE'), 0)::bigint AS usage_photos,
                COALESCE(sum(a.file_size_bytes) FILTER (WHERE a.type = 'VIDEO'), 0)::bigint AS usage_videos
         FROM users u LEFT JOIN assets a ON a.owner_id = u.id
         GROUP BY u.id ORDER BY u.created_at",
    )
    .fetch_all(pool)
    .await
}
