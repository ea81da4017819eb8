//! Assets and their EXIF for the sync stream: the caller's own, and their partners'.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::{Gone, Window, page, window};
use crate::exif::Exif;

/// The asset columns every asset event carries, on `assets a`; `$1` is the caller, so the
/// favourite flag is theirs only on their own assets.
macro_rules! asset_columns {
    () => {
        "a.id, a.owner_id, a.original_file_name, a.thumbhash, a.checksum, a.file_created_at, a.file_modified_at,
         a.local_date_time, a.created_at, a.deleted_at, a.type, a.visibility, (a.is_favorite AND a.owner_id = $1)
         AS is_favorite, a.duration_ms, a.live_photo_video_id, a.stack_id, a.library_id, a.width, a.height"
    };
}
pub(crate) use asset_columns;

/// The EXIF columns of `SyncAssetExifV1`, on `exif e`.
macro_rules! exif_columns {
    () => {
        "e.asset_id, e.make, e.model, e.lens_model, e.exposure_time, e.f_number, e.iso, e.focal_length,
         e.date_time_original, e.modify_date, e.time_zone, e.latitude, e.longitude, e.city, e.state, e.country,
         e.orientation, e.exif_image_width, e.exif_image_height, e.file_size_in_byte, e.description,
         e.projection_type, e.rating, e.fps, e.codec"
    };
}
pub(crate) use exif_columns;

/// The sharers whose libraries `$1` sees.
macro_rules! sharers_of_caller {
    () => {
        "(SELECT shared_by_id FROM partners WHERE shared_with_id = $1)"
    };
}

/// An asset as `SyncAssetV1`/`V2` carry it; `update_id` is the ack (the asset's, or for album
/// events the album link's).
#[derive(Debug, Clone, FromRow)]
pub struct SyncedAsset {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub original_file_name: String,
    pub thumbhash: Option<Vec<u8>>,
    pub checksum: Vec<u8>,
    pub file_created_at: DateTime<Utc>,
    pub file_modified_at: DateTime<Utc>,
    pub local_date_time: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    #[sqlx(rename = "type")]
    pub asset_type: String,
    pub visibility: String,
    pub is_favorite: bool,
    pub duration_ms: Option<i64>,
    pub live_photo_video_id: Option<Uuid>,
    pub stack_id: Option<Uuid>,
    pub library_id: Option<Uuid>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub update_id: Uuid,
}

/// An asset's EXIF row; `update_id` is the ack.
#[derive(Debug, Clone, FromRow)]
pub struct SyncedExif {
    pub asset_id: Uuid,
    #[sqlx(flatten)]
    pub exif: Exif,
    pub update_id: Uuid,
}

pub async fn assets(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAsset>> {
    const SQL: &str = concat!(
        "SELECT ",
        asset_columns!(),
        ", a.update_id FROM assets a WHERE a.owner_id = $1 AND ",
        window!("a.update_id")
    );
    page(pool, SQL, owner, window).await
}

/// The caller's assets removed for good.
pub async fn asset_deletes(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, asset_id AS first, NULL::uuid AS second, NULL::text AS key FROM asset_audit
         WHERE owner_id = $1 AND ",
        window!("id")
    );
    page(pool, SQL, owner, window).await
}

pub async fn exifs(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedExif>> {
    const SQL: &str = concat!(
        "SELECT ",
        exif_columns!(),
        ", e.update_id FROM exif e JOIN assets a ON a.id = e.asset_id WHERE a.owner_id = $1 AND ",
        window!("e.update_id")
    );
    page(pool, SQL, owner, window).await
}

/// Assets of everyone who shares their library with the caller.
pub async fn partner_assets(pool: &PgPool, viewer: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAsset>> {
    const SQL: &str = concat!(
        "SELECT ",
        asset_columns!(),
        ", a.update_id FROM assets a WHERE a.owner_id IN ",
        sharers_of_caller!(),
        " AND ",
        window!("a.update_id")
    );
    page(pool, SQL, viewer, window).await
}

/// One sharer's assets, for a viewer who became their partner after syncing (`$1` is the
/// sharer, so nothing reads as the viewer's favourite).
pub async fn partner_assets_backfill(pool: &PgPool, sharer: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAsset>> {
    const SQL: &str = concat!(
        "SELECT ",
        asset_columns!(),
        ", a.update_id FROM assets a WHERE a.owner_id = $1 AND ",
        window!("a.update_id")
    );
    let mut rows: Vec<SyncedAsset> = page(pool, SQL, sharer, window).await?;
    rows.iter_mut().for_each(|row| row.is_favorite = false);
    Ok(rows)
}

/// Partners' assets removed for good, and assets of partners who stopped sharing.
pub async fn partner_asset_deletes(pool: &PgPool, viewer: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT * FROM (
             SELECT id, asset_id AS first, NULL::uuid AS second, NULL::text AS key FROM asset_audit
             WHERE owner_id IN ",
        sharers_of_caller!(),
        "    UNION ALL
             SELECT id, entity_id, NULL::uuid, NULL::text FROM sync_revocations WHERE user_id = $1 AND kind = 'asset'
         ) gone WHERE ",
        window!("id")
    );
    page(pool, SQL, viewer, window).await
}

pub async fn partner_exifs(pool: &PgPool, viewer: Uuid, window: Window) -> sqlx::Result<Vec<SyncedExif>> {
    const SQL: &str = concat!(
        "SELECT ",
        exif_columns!(),
        ", e.update_id FROM exif e JOIN assets a ON a.id = e.asset_id WHERE a.owner_id IN ",
        sharers_of_caller!(),
        " AND ",
        window!("e.update_id")
    );
    page(pool, SQL, viewer, window).await
}

pub async fn partner_exifs_backfill(pool: &PgPool, sharer: Uuid, window: Window) -> sqlx::Result<Vec<SyncedExif>> {
    const SQL: &str = concat!(
        "SELECT ",
        exif_columns!(),
        ", e.update_id FROM exif e JOIN assets a ON a.id = e.asset_id WHERE a.owner_id = $1 AND ",
        window!("e.update_id")
    );
    page(pool, SQL, sharer, window).await
}
