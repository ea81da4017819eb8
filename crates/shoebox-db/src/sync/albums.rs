//! Albums for the sync stream: the albums a user is a member of (owner included), their
//! members, their assets (with EXIF) and the album-to-asset links, and what left them.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::assets::{asset_columns, exif_columns};
use super::{Gone, Grant, SyncedAsset, SyncedExif, Window, page, page_with, window};

/// The albums `$1` is a member of.
macro_rules! albums_of_caller {
    () => {
        "(SELECT album_id FROM album_members WHERE user_id = $1)"
    };
}

#[derive(Debug, Clone, FromRow)]
pub struct SyncedAlbum {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub album_name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub thumbnail_asset_id: Option<Uuid>,
    pub is_activity_enabled: bool,
    pub asset_order: String,
    pub update_id: Uuid,
}

#[derive(Debug, Clone, FromRow)]
pub struct SyncedAlbumMember {
    pub album_id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub update_id: Uuid,
}

#[derive(Debug, Clone, FromRow)]
pub struct SyncedAlbumLink {
    pub album_id: Uuid,
    pub asset_id: Uuid,
    pub update_id: Uuid,
}

/// The albums a user joined (or owns), from `after` on (inclusive: a backfill in progress
/// resumes), below `before`.
pub async fn album_grants(pool: &PgPool, user: Uuid, after: Option<Uuid>, before: Uuid) -> sqlx::Result<Vec<Grant>> {
    sqlx::query_as(
        "SELECT album_id AS entity_id, create_id FROM album_members
         WHERE user_id = $1 AND ($2::uuid IS NULL OR create_id >= $2) AND create_id < $3 ORDER BY create_id",
    )
    .bind(user)
    .bind(after)
    .bind(before)
    .fetch_all(pool)
    .await
}

/// The caller's albums. The thumbnail is named only while it is in the album, so the phone
/// (which has only the album's assets) can always resolve it.
pub async fn albums(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAlbum>> {
    const SQL: &str = concat!(
        "SELECT al.id, al.owner_id, al.album_name, al.description, al.created_at, al.updated_at,
                CASE WHEN EXISTS (SELECT 1 FROM album_assets t
                                  WHERE t.album_id = al.id AND t.asset_id = al.album_thumbnail_asset_id)
                     THEN al.album_thumbnail_asset_id END AS thumbnail_asset_id,
                al.is_activity_enabled, al.asset_order, al.update_id
         FROM albums al WHERE al.id IN ",
        albums_of_caller!(),
        " AND ",
        window!("al.update_id")
    );
    page(pool, SQL, user, window).await
}

/// Albums gone from the caller's view: deleted, or the caller removed from them.
pub async fn album_deletes(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, album_id AS first, NULL::uuid AS second, NULL::text AS key FROM album_audit
         WHERE user_id = $1 AND ",
        window!("id")
    );
    page(pool, SQL, user, window).await
}

/// Members of the caller's albums.
pub async fn album_members(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAlbumMember>> {
    const SQL: &str = concat!(
        "SELECT m.album_id, m.user_id, m.role, m.update_id FROM album_members m WHERE m.album_id IN ",
        albums_of_caller!(),
        " AND ",
        window!("m.update_id")
    );
    page(pool, SQL, user, window).await
}

pub async fn album_members_backfill(
    pool: &PgPool,
    album: Uuid,
    window: Window,
) -> sqlx::Result<Vec<SyncedAlbumMember>> {
    const SQL: &str = concat!(
        "SELECT m.album_id, m.user_id, m.role, m.update_id FROM album_members m WHERE m.album_id = $1 AND ",
        window!("m.update_id")
    );
    page(pool, SQL, album, window).await
}

/// Members removed from albums the caller is still in.
pub async fn album_member_deletes(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, album_id AS first, user_id AS second, NULL::text AS key FROM album_user_audit
         WHERE album_id IN ",
        albums_of_caller!(),
        " AND ",
        window!("id")
    );
    page(pool, SQL, user, window).await
}

/// Assets added to the caller's albums, acked by the album link's update id.
pub async fn album_asset_creates(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAsset>> {
    const SQL: &str = concat!(
        "SELECT ",
        asset_columns!(),
        ", aa.update_id FROM album_assets aa JOIN assets a ON a.id = aa.asset_id WHERE aa.album_id IN ",
        albums_of_caller!(),
        " AND ",
        window!("aa.update_id")
    );
    page(pool, SQL, user, window).await
}

/// Changes to album assets the phone already has (linked at or before `known`).
pub async fn album_asset_updates(
    pool: &PgPool,
    user: Uuid,
    window: Window,
    known: Uuid,
) -> sqlx::Result<Vec<SyncedAsset>> {
    const SQL: &str = concat!(
        "SELECT DISTINCT ON (a.update_id) ",
        asset_columns!(),
        ", a.update_id FROM assets a JOIN album_assets aa ON aa.asset_id = a.id
         WHERE aa.update_id <= $6 AND aa.album_id IN ",
        albums_of_caller!(),
        " AND ",
        window!("a.update_id")
    );
    page_with(pool, SQL, user, window, known).await
}

/// One album's assets, for a member who joined it after syncing.
pub async fn album_asset_backfill(
    pool: &PgPool,
    user: Uuid,
    album: Uuid,
    window: Window,
) -> sqlx::Result<Vec<SyncedAsset>> {
    const SQL: &str = concat!(
        "SELECT ",
        asset_columns!(),
        ", aa.update_id FROM album_assets aa JOIN assets a ON a.id = aa.asset_id WHERE aa.album_id = $6 AND ",
        window!("aa.update_id")
    );
    page_with(pool, SQL, user, window, album).await
}

pub async fn album_exif_creates(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<SyncedExif>> {
    const SQL: &str = concat!(
        "SELECT ",
        exif_columns!(),
        ", aa.update_id FROM album_assets aa JOIN exif e ON e.asset_id = aa.asset_id WHERE aa.album_id IN ",
        albums_of_caller!(),
        " AND ",
        window!("aa.update_id")
    );
    page(pool, SQL, user, window).await
}

pub async fn album_exif_updates(
    pool: &PgPool,
    user: Uuid,
    window: Window,
    known: Uuid,
) -> sqlx::Result<Vec<SyncedExif>> {
    const SQL: &str = concat!(
        "SELECT DISTINCT ON (e.update_id) ",
        exif_columns!(),
        ", e.update_id FROM exif e JOIN album_assets aa ON aa.asset_id = e.asset_id
         WHERE aa.update_id <= $6 AND aa.album_id IN ",
        albums_of_caller!(),
        " AND ",
        window!("e.update_id")
    );
    page_with(pool, SQL, user, window, known).await
}

pub async fn album_exif_backfill(pool: &PgPool, album: Uuid, window: Window) -> sqlx::Result<Vec<SyncedExif>> {
    const SQL: &str = concat!(
        "SELECT ",
        exif_columns!(),
        ", aa.update_id FROM album_assets aa JOIN exif e ON e.asset_id = aa.asset_id WHERE aa.album_id = $1 AND ",
        window!("aa.update_id")
    );
    page(pool, SQL, album, window).await
}

pub async fn album_links(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAlbumLink>> {
    const SQL: &str = concat!(
        "SELECT aa.album_id, aa.asset_id, aa.update_id FROM album_assets aa WHERE aa.album_id IN ",
        albums_of_caller!(),
        " AND ",
        window!("aa.update_id")
    );
    page(pool, SQL, user, window).await
}

pub async fn album_links_backfill(pool: &PgPool, album: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAlbumLink>> {
    const SQL: &str = concat!(
        "SELECT aa.album_id, aa.asset_id, aa.update_id FROM album_assets aa WHERE aa.album_id = $1 AND ",
        window!("aa.update_id")
    );
    page(pool, SQL, album, window).await
}

/// Assets taken out of the caller's albums.
pub async fn album_link_deletes(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, album_id AS first, asset_id AS second, NULL::text AS key FROM album_asset_audit
         WHERE album_id IN ",
        albums_of_caller!(),
        " AND ",
        window!("id")
    );
    page(pool, SQL, user, window).await
}
