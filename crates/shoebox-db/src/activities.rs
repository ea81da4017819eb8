//! Album activity: likes and comments on a shared album, or on one of its assets. Who may read
//! or write is the album's business (its owner and members, see [`crate::albums::role`]); these
//! queries take an album the caller has already been allowed into.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Activity {
    pub id: Uuid,
    pub album_id: Uuid,
    pub user_id: Uuid,
    /// `None` for the album itself.
    pub asset_id: Option<Uuid>,
    /// `None` for a like.
    pub comment: Option<String>,
    pub is_liked: bool,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "ac.id, ac.album_id, ac.user_id, ac.asset_id, ac.comment, ac.is_liked, ac.created_at";

/// Activity whose author is still a user and whose asset (if any) is not trashed or kept out of
/// shared views, as Immich shows it.
const SHOWN: &str = "FROM activities ac
    JOIN users u ON u.id = ac.user_id AND u.deleted_at IS NULL
    LEFT JOIN assets a ON a.id = ac.asset_id
    WHERE ac.album_id = $1
      AND (ac.asset_id IS NULL OR (a.deleted_at IS NULL AND a.visibility IN ('timeline', 'archive')))";

/// Album-level activity, asset-level activity, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    #[default]
    Any,
    Album,
    Asset,
}

impl Level {
    fn as_sql(self) -> Option<&'static str> {
        match self {
            Self::Any => None,
            Self::Album => Some("album"),
            Self::Asset => Some("asset"),
        }
    }
}

/// Which of an album's activity to list; `None` leaves a criterion out.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub asset_id: Option<Uuid>,
    pub level: Level,
    pub user_id: Option<Uuid>,
    /// `Some(true)`: likes only; `Some(false)`: comments only.
    pub liked: Option<bool>,
}

/// An album's activity, oldest first.
pub async fn list(pool: &PgPool, album: Uuid, filter: &ActivityFilter) -> sqlx::Result<Vec<Activity>> {
    // Asking for the album's own activity wins over an asset id, as in Immich.
    let asset = if filter.level == Level::Album { None } else { filter.asset_id };
    let sql = format!(
        "SELECT {COLUMNS} {SHOWN}
           AND ($2::uuid IS NULL OR ac.asset_id = $2)
           AND ($3::text IS NULL OR ($3 = 'album') = (ac.asset_id IS NULL))
           AND ($4::uuid IS NULL OR ac.user_id = $4)
           AND ($5::boolean IS NULL OR ac.is_liked = $5)
         ORDER BY ac.created_at, ac.id"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(album)
        .bind(asset)
        .bind(filter.level.as_sql())
        .bind(filter.user_id)
        .bind(filter.liked)
        .fetch_all(pool)
        .await
}

/// How many comments and likes an album (or one asset in it) has, in that order.
pub async fn statistics(pool: &PgPool, album: Uuid, asset: Option<Uuid>) -> sqlx::Result<(i64, i64)> {
    let sql = format!(
        "SELECT count(*) FILTER (WHERE NOT ac.is_liked), count(*) FILTER (WHERE ac.is_liked) {SHOWN}
           AND ($2::uuid IS NULL OR ac.asset_id = $2)"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(album).bind(asset).fetch_one(pool).await
}

/// Whether the asset is in the album and shown there (not trashed, not hidden or locked).
pub async fn asset_in_album(pool: &PgPool, album: Uuid, asset: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM album_assets aa JOIN assets a ON a.id = aa.asset_id
             WHERE aa.album_id = $1 AND aa.asset_id = $2
               AND a.deleted_at IS NULL AND a.visibility IN ('timeline', 'archive'))",
    )
    .bind(album)
    .bind(asset)
    .fetch_one(pool)
    .await
}

/// A comment, or a like (`comment` is `None`), by `user`.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub album_id: Uuid,
    pub user_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub comment: Option<String>,
}

/// Adds the activity. A like the user already gave is not given twice: the existing one comes
/// back with `true` for "it was there already".
pub async fn create(pool: &PgPool, new: &NewActivity) -> sqlx::Result<(Activity, bool)> {
    let insert = format!(
        "INSERT INTO activities AS ac (album_id, user_id, asset_id, comment, is_liked)
         VALUES ($1, $2, $3, $4, $4 IS NULL)
         ON CONFLICT (album_id, user_id, asset_id) WHERE is_liked DO NOTHING
         RETURNING {COLUMNS}"
    );
    let created: Option<Activity> = sqlx::query_as(sqlx::AssertSqlSafe(insert))
        .bind(new.album_id)
        .bind(new.user_id)
        .bind(new.asset_id)
        .bind(&new.comment)
        .fetch_optional(pool)
        .await?;
    if let Some(activity) = created {
        return Ok((activity, false));
    }
    let existing = format!(
        "SELECT {COLUMNS} FROM activities ac
         WHERE ac.album_id = $1 AND ac.user_id = $2 AND ac.asset_id IS NOT DISTINCT FROM $3 AND ac.is_liked"
    );
    let activity = sqlx::query_as(sqlx::AssertSqlSafe(existing))
        .bind(new.album_id)
        .bind(new.user_id)
        .bind(new.asset_id)
        .fetch_one(pool)
        .await?;
    Ok((activity, true))
}

pub async fn get(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<Activity>> {
    let sql = format!("SELECT {COLUMNS} FROM activities ac WHERE ac.id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await
}

pub async fn delete(pool: &PgPool, id: Uuid) -> sqlx::Result<bool> {
    let result = sqlx::query("DELETE FROM activities WHERE id = $1").bind(id).execute(pool).await?;
    Ok(result.rows_affected() > 0)
}
