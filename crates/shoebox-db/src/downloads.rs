//! Which originals a download takes: a list of assets, an album, or a whole library.

use chrono::{DateTime, Utc};

use crate::albums::CAN_SEE_ALBUM;
use crate::assets::can_see_asset;
use sqlx::PgPool;
use uuid::Uuid;

/// One original to put in an archive.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DownloadItem {
    pub id: Uuid,
    pub original_path: String,
    pub original_file_name: String,
    pub file_size_bytes: i64,
    /// Wall-clock time where the photo was taken, kept as UTC: archives show it as is.
    pub local_date_time: DateTime<Utc>,
}

/// What the user asked to download.
#[derive(Debug, Clone, Copy)]
pub enum DownloadScope<'a> {
    /// These assets, in this order: the user's own (trashed ones included, since the trash page
    /// offers them; locked ones only when `unlocked`) and those shared with them in albums.
    Assets { ids: &'a [Uuid], unlocked: bool },
    /// The assets of an album the user owns or is a member of, oldest first: not trashed, hidden
    /// or locked (the album page does not show those either).
    Album(Uuid),
    /// Every asset of the user that is not in the trash or the locked folder, oldest first.
    Library,
}

const COLUMNS: &str = "a.id, a.original_path, a.original_file_name, a.file_size_bytes, a.local_date_time";

/// The assets in `scope` the user may see; ids they may not are left out, so callers compare
/// counts to find them.
pub async fn items(pool: &PgPool, owner: Uuid, scope: DownloadScope<'_>) -> sqlx::Result<Vec<DownloadItem>> {
    match scope {
        DownloadScope::Assets { ids, unlocked } => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM assets a WHERE a.id = ANY($2) AND {} \
                 ORDER BY array_position($2, a.id)",
                can_see_asset(unlocked)
            )))
            .bind(owner)
            .bind(ids)
            .fetch_all(pool)
            .await
        }
        DownloadScope::Album(album) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM album_assets aa \
                 JOIN albums al ON al.id = aa.album_id AND {CAN_SEE_ALBUM} \
                 JOIN assets a ON a.id = aa.asset_id \
                 WHERE aa.album_id = $2 AND a.deleted_at IS NULL \
                   AND a.visibility IN ('timeline', 'archive') \
                 ORDER BY a.local_date_time, a.id"
            )))
            .bind(owner)
            .bind(album)
            .fetch_all(pool)
            .await
        }
        DownloadScope::Library => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM assets a WHERE a.owner_id = $1 AND a.deleted_at IS NULL \
                   AND a.visibility <> 'locked' \
                 ORDER BY a.local_date_time, a.id"
            )))
            .bind(owner)
            .fetch_all(pool)
            .await
        }
    }
}
