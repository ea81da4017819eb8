//! The mobile app's incremental sync: rows changed after a session's last acknowledgement, in
//! update-id order, and the acknowledgements themselves.
//!
//! Every synced row carries an `update_id` (a UUIDv7 stamped by a trigger on each write), so
//! "what changed since X" is a range scan. A transaction still in flight may commit a row whose
//! update id is older than rows already streamed; [`upper_bound`] stops the stream below the
//! oldest writing transaction, so no row can appear behind an acknowledgement.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use crate::assets::{Asset, COLUMNS as ASSET_COLUMNS, FROM as ASSET_FROM};
use crate::exif::{COLUMNS as EXIF_COLUMNS, Exif};
use crate::users::User;

/// Rows fetched per query while streaming.
pub const PAGE: i64 = 1000;

/// The update id below which every row is committed and visible.
///
/// The clock is read first, then the writers in flight: a transaction that starts writing after
/// the clock was read stamps its rows later, so above the bound; one already writing is seen
/// and bounds the stream by its start. The short sleep first lets the bound reach past the
/// millisecond the request arrived in, so a client that just uploaded sees its upload.
pub async fn upper_bound(pool: &PgPool) -> sqlx::Result<Uuid> {
    let now: DateTime<Utc> =
        sqlx::query_scalar("SELECT clock_timestamp() FROM pg_sleep(0.002)").fetch_one(pool).await?;
    let oldest_writer: Option<DateTime<Utc>> = sqlx::query_scalar(
        "SELECT min(xact_start) FROM pg_stat_activity
         WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
    )
    .fetch_one(pool)
    .await?;
    let bound = oldest_writer.map_or(now, |writer| writer.min(now));
    sqlx::query_scalar("SELECT shoebox_uuid_v7_floor($1)").bind(bound).fetch_one(pool).await
}

/// A session's last acknowledged update id per entity type, as `(type, ack)`.
pub async fn checkpoints(pool: &PgPool, session: Uuid) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT type, ack FROM session_sync_checkpoints WHERE session_id = $1 ORDER BY type")
        .bind(session)
        .fetch_all(pool)
        .await
}

/// Records acknowledgements, one `(type, ack)` per entity type.
pub async fn save_checkpoints(pool: &PgPool, session: Uuid, acks: &[(String, String)]) -> sqlx::Result<()> {
    let (types, values): (Vec<&str>, Vec<&str>) = acks.iter().map(|(t, a)| (t.as_str(), a.as_str())).unzip();
    sqlx::query(
        "INSERT INTO session_sync_checkpoints (session_id, type, ack)
         SELECT $1, t, a FROM unnest($2::text[], $3::text[]) AS x(t, a)
         ON CONFLICT (session_id, type) DO UPDATE SET ack = EXCLUDED.ack, updated_at = now()",
    )
    .bind(session)
    .bind(types)
    .bind(values)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets acknowledgements: of the given types, or all of them.
pub async fn delete_checkpoints(pool: &PgPool, session: Uuid, types: Option<&[String]>) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM session_sync_checkpoints WHERE session_id = $1 AND ($2::text[] IS NULL OR type = ANY($2))",
    )
    .bind(session)
    .bind(types)
    .execute(pool)
    .await?;
    Ok(())
}

/// The window of update ids one page covers: strictly after `after`, strictly below `before`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub after: Option<Uuid>,
    pub before: Uuid,
}

#[derive(Debug, Clone, FromRow)]
pub struct SyncedUser {
    #[sqlx(flatten)]
    pub user: User,
    pub update_id: Uuid,
    pub usage_bytes: i64,
}

/// Users changed in the window (all users: the app shows them as potential partners).
/// `only` limits it to one user, for the caller's own `AuthUserV1`.
pub async fn users(pool: &PgPool, only: Option<Uuid>, window: Window) -> sqlx::Result<Vec<SyncedUser>> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.password_hash, u.is_admin, u.should_change_password, u.avatar_color,
                u.storage_label, u.quota_size_bytes, u.created_at, u.updated_at, u.profile_changed_at, u.deleted_at,
                u.update_id,
                COALESCE((SELECT sum(file_size_bytes) FROM assets WHERE owner_id = u.id), 0)::bigint AS usage_bytes
         FROM users u
         WHERE ($1::uuid IS NULL OR u.id = $1) AND ($2::uuid IS NULL OR u.update_id > $2) AND u.update_id < $3
         ORDER BY u.update_id LIMIT $4",
    )
    .bind(only)
    .bind(window.after)
    .bind(window.before)
    .bind(PAGE)
    .fetch_all(pool)
    .await
}

/// An asset with its update id, for `SyncAssetV1`.
#[derive(Debug, Clone, FromRow)]
pub struct SyncedAsset {
    #[sqlx(flatten)]
    pub asset: Asset,
    pub update_id: Uuid,
}

pub async fn assets(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedAsset>> {
    let sql = format!(
        "SELECT {ASSET_COLUMNS}, a.update_id FROM {ASSET_FROM}
         WHERE a.owner_id = $1 AND ($2::uuid IS NULL OR a.update_id > $2) AND a.update_id < $3
         ORDER BY a.update_id LIMIT $4"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(window.after)
        .bind(window.before)
        .bind(PAGE)
        .fetch_all(pool)
        .await
}

/// An asset removed for good; `id` is the audit row's update id.
#[derive(Debug, Clone, FromRow)]
pub struct DeletedAsset {
    pub id: Uuid,
    pub asset_id: Uuid,
}

pub async fn asset_deletes(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<DeletedAsset>> {
    sqlx::query_as(
        "SELECT id, asset_id FROM asset_audit
         WHERE owner_id = $1 AND ($2::uuid IS NULL OR id > $2) AND id < $3
         ORDER BY id LIMIT $4",
    )
    .bind(owner)
    .bind(window.after)
    .bind(window.before)
    .bind(PAGE)
    .fetch_all(pool)
    .await
}

/// An asset's EXIF row with its update id.
#[derive(Debug, Clone, FromRow)]
pub struct SyncedExif {
    pub asset_id: Uuid,
    #[sqlx(flatten)]
    pub exif: Exif,
    pub update_id: Uuid,
}

pub async fn exifs(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedExif>> {
    let sql = format!(
        "SELECT e.asset_id, {EXIF_COLUMNS}, e.update_id
         FROM exif e JOIN assets a ON a.id = e.asset_id
         WHERE a.owner_id = $1 AND ($2::uuid IS NULL OR e.update_id > $2) AND e.update_id < $3
         ORDER BY e.update_id LIMIT $4"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(window.after)
        .bind(window.before)
        .bind(PAGE)
        .fetch_all(pool)
        .await
}
