//! Stacks for the sync stream: the caller's own, and their partners'.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::{Gone, Window, page, window};

#[derive(Debug, Clone, FromRow)]
pub struct SyncedStack {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub primary_asset_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub update_id: Uuid,
}

pub async fn stacks(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedStack>> {
    const SQL: &str = concat!(
        "SELECT id, owner_id, primary_asset_id, created_at, updated_at, update_id FROM stacks WHERE owner_id = $1 AND ",
        window!("update_id")
    );
    page(pool, SQL, owner, window).await
}

pub async fn stack_deletes(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, stack_id AS first, NULL::uuid AS second, NULL::text AS key FROM stack_audit
         WHERE user_id = $1 AND ",
        window!("id")
    );
    page(pool, SQL, owner, window).await
}

pub async fn partner_stacks(pool: &PgPool, viewer: Uuid, window: Window) -> sqlx::Result<Vec<SyncedStack>> {
    const SQL: &str = concat!(
        "SELECT id, owner_id, primary_asset_id, created_at, updated_at, update_id FROM stacks
         WHERE owner_id IN (SELECT shared_by_id FROM partners WHERE shared_with_id = $1) AND ",
        window!("update_id")
    );
    page(pool, SQL, viewer, window).await
}

/// One sharer's stacks (`$1` is the sharer).
pub async fn partner_stacks_backfill(pool: &PgPool, sharer: Uuid, window: Window) -> sqlx::Result<Vec<SyncedStack>> {
    stacks(pool, sharer, window).await
}

/// Partners' stacks deleted, and stacks of partners who stopped sharing.
pub async fn partner_stack_deletes(pool: &PgPool, viewer: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT * FROM (
             SELECT id, stack_id AS first, NULL::uuid AS second, NULL::text AS key FROM stack_audit
             WHERE user_id IN (SELECT shared_by_id FROM partners WHERE shared_with_id = $1)
             UNION ALL
             SELECT id, entity_id, NULL::uuid, NULL::text FROM sync_revocations WHERE user_id = $1 AND kind = 'stack'
         ) gone WHERE ",
        window!("id")
    );
    page(pool, SQL, viewer, window).await
}
