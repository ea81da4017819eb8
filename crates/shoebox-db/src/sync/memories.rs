//! Stored memories and their assets for the sync stream (the caller's own).

use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::{Gone, Window, page, window};
use crate::memories::Memory;

/// A stored memory with the update id the stream acks.
#[derive(Debug, Clone, FromRow)]
pub struct SyncedMemory {
    #[sqlx(flatten)]
    pub memory: Memory,
    pub update_id: Uuid,
}

#[derive(Debug, Clone, FromRow)]
pub struct SyncedMemoryAsset {
    pub memory_id: Uuid,
    pub asset_id: Uuid,
    pub update_id: Uuid,
}

pub async fn memories(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedMemory>> {
    const SQL: &str = concat!(
        "SELECT id, owner_id, type, data, is_saved, memory_at, seen_at, show_at, hide_at, created_at, updated_at,
                deleted_at, update_id
         FROM memories WHERE owner_id = $1 AND ",
        window!("update_id")
    );
    page(pool, SQL, owner, window).await
}

pub async fn memory_deletes(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, memory_id AS first, NULL::uuid AS second, NULL::text AS key FROM memory_audit
         WHERE user_id = $1 AND ",
        window!("id")
    );
    page(pool, SQL, owner, window).await
}

pub async fn memory_assets(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedMemoryAsset>> {
    const SQL: &str = concat!(
        "SELECT ma.memory_id, ma.asset_id, ma.update_id FROM memory_assets ma
         WHERE ma.memory_id IN (SELECT id FROM memories WHERE owner_id = $1) AND ",
        window!("ma.update_id")
    );
    page(pool, SQL, owner, window).await
}

pub async fn memory_asset_deletes(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, memory_id AS first, asset_id AS second, NULL::text AS key FROM memory_asset_audit
         WHERE memory_id IN (SELECT id FROM memories WHERE owner_id = $1) AND ",
        window!("id")
    );
    page(pool, SQL, owner, window).await
}
