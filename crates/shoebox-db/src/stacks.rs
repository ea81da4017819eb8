//! Stacks: burst shots or RAW+JPEG pairs grouped behind one primary asset, as Immich keeps them.
//! Every change touches the stack's row, so its update id moves and the sync stream resends it.

use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use crate::assets::{Asset, COLUMNS, FROM};

#[derive(Debug, Clone, FromRow)]
pub struct Stack {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub primary_asset_id: Uuid,
}

/// A stack with the assets it shows: the primary first, then by date taken (never trashed,
/// hidden or locked ones).
#[derive(Debug, Clone)]
pub struct StackWithAssets {
    pub stack: Stack,
    pub assets: Vec<Asset>,
}

async fn with_assets(pool: &PgPool, stacks: Vec<Stack>) -> sqlx::Result<Vec<StackWithAssets>> {
    let ids: Vec<Uuid> = stacks.iter().map(|s| s.id).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE a.stack_id = ANY($1) AND a.deleted_at IS NULL AND a.visibility IN ('timeline', 'archive')
         ORDER BY a.local_date_time, a.id"
    );
    let rows: Vec<Asset> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&ids).fetch_all(pool).await?;
    Ok(stacks
        .into_iter()
        .map(|stack| {
            let mut assets: Vec<Asset> = rows.iter().filter(|a| a.stack_id == Some(stack.id)).cloned().collect();
            assets.sort_by_key(|a| a.id != stack.primary_asset_id);
            StackWithAssets { stack, assets }
        })
        .collect())
}

/// The owner's stacks, or the one whose primary asset is `primary`.
pub async fn search(pool: &PgPool, owner: Uuid, primary: Option<Uuid>) -> sqlx::Result<Vec<StackWithAssets>> {
    let stacks: Vec<Stack> = sqlx::query_as(
        "SELECT id, owner_id, primary_asset_id FROM stacks
         WHERE owner_id = $1 AND ($2::uuid IS NULL OR primary_asset_id = $2) ORDER BY created_at, id",
    )
    .bind(owner)
    .bind(primary)
    .fetch_all(pool)
    .await?;
    with_assets(pool, stacks).await
}

pub async fn get(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<Option<StackWithAssets>> {
    let stack: Option<Stack> =
        sqlx::query_as("SELECT id, owner_id, primary_asset_id FROM stacks WHERE owner_id = $1 AND id = $2")
            .bind(owner)
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(match stack {
        Some(stack) => with_assets(pool, vec![stack]).await?.pop(),
        None => None,
    })
}

/// Stacks `ids` (all the owner's, checked by the caller) behind the first. Stacks whose primary
/// is among them are merged in with all their assets, as Immich does; an asset that was a
/// member of another stack moves to the new one, and that stack's row is touched.
pub async fn create(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<Uuid> {
    let mut tx = pool.begin().await?;
    let merged: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM stacks WHERE owner_id = $1 AND primary_asset_id = ANY($2) FOR UPDATE")
            .bind(owner)
            .bind(ids)
            .fetch_all(&mut *tx)
            .await?;
    let members: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM assets WHERE stack_id = ANY($1)").bind(&merged).fetch_all(&mut *tx).await?;
    let losing: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT stack_id FROM assets WHERE id = ANY($1) AND stack_id IS NOT NULL AND stack_id <> ALL($2)",
    )
    .bind(ids)
    .bind(&merged)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM stacks WHERE id = ANY($1)").bind(&merged).execute(&mut *tx).await?;
    let id: Uuid = sqlx::query_scalar("INSERT INTO stacks (owner_id, primary_asset_id) VALUES ($1, $2) RETURNING id")
        .bind(owner)
        .bind(ids[0])
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE assets SET stack_id = $2, updated_at = now() WHERE owner_id = $1 AND (id = ANY($3) OR id = ANY($4))",
    )
    .bind(owner)
    .bind(id)
    .bind(ids)
    .bind(&members)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE stacks SET updated_at = now() WHERE id = ANY($1)").bind(&losing).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// What changing a stack's primary asset did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrimaryOutcome {
    Changed,
    NoSuchStack,
    NotInStack,
}

pub async fn set_primary(pool: &PgPool, owner: Uuid, id: Uuid, primary: Uuid) -> sqlx::Result<PrimaryOutcome> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM stacks WHERE owner_id = $1 AND id = $2)")
        .bind(owner)
        .bind(id)
        .fetch_one(pool)
        .await?;
    if !exists {
        return Ok(PrimaryOutcome::NoSuchStack);
    }
    let changed = sqlx::query(
        "UPDATE stacks SET primary_asset_id = $3, updated_at = now()
         WHERE owner_id = $1 AND id = $2
           AND EXISTS (SELECT 1 FROM assets WHERE id = $3 AND stack_id = $2 AND deleted_at IS NULL)",
    )
    .bind(owner)
    .bind(id)
    .bind(primary)
    .execute(pool)
    .await?;
    Ok(if changed.rows_affected() == 1 { PrimaryOutcome::Changed } else { PrimaryOutcome::NotInStack })
}

/// Those of `ids` that are not the owner's stacks.
pub async fn not_owned(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "SELECT id FROM unnest($2::uuid[]) AS wanted(id)
         WHERE NOT EXISTS (SELECT 1 FROM stacks s WHERE s.id = wanted.id AND s.owner_id = $1)",
    )
    .bind(owner)
    .bind(ids)
    .fetch_all(pool)
    .await
}

/// Unstacks the owner's stacks among `ids`; their assets stay, each on its own again.
pub async fn delete(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<u64> {
    let deleted = sqlx::query("DELETE FROM stacks WHERE owner_id = $1 AND id = ANY($2)")
        .bind(owner)
        .bind(ids)
        .execute(pool)
        .await?;
    Ok(deleted.rows_affected())
}

/// What taking an asset out of a stack did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveOutcome {
    Removed,
    NoSuchStack,
    NotInStack,
    IsPrimary,
}

pub async fn remove_asset(pool: &PgPool, owner: Uuid, id: Uuid, asset: Uuid) -> sqlx::Result<RemoveOutcome> {
    let mut tx = pool.begin().await?;
    let primary: Option<Uuid> =
        sqlx::query_scalar("SELECT primary_asset_id FROM stacks WHERE owner_id = $1 AND id = $2 FOR UPDATE")
            .bind(owner)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(primary) = primary else {
        return Ok(RemoveOutcome::NoSuchStack);
    };
    if primary == asset {
        return Ok(RemoveOutcome::IsPrimary);
    }
    let removed = sqlx::query("UPDATE assets SET stack_id = NULL, updated_at = now() WHERE id = $1 AND stack_id = $2")
        .bind(asset)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Ok(RemoveOutcome::NotInStack);
    }
    sqlx::query("UPDATE stacks SET updated_at = now() WHERE id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(RemoveOutcome::Removed)
}

/// `AssetStackResponseDto` of an asset's stack: its id, primary and how many assets it shows.
#[derive(Debug, Clone, FromRow)]
pub struct StackSummary {
    pub id: Uuid,
    pub primary_asset_id: Uuid,
    pub asset_count: i64,
}

pub async fn summary_of_asset(pool: &PgPool, asset: Uuid) -> sqlx::Result<Option<StackSummary>> {
    sqlx::query_as(
        "SELECT s.id, s.primary_asset_id,
                (SELECT count(*) FROM assets m WHERE m.stack_id = s.id AND m.deleted_at IS NULL
                     AND m.visibility IN ('timeline', 'archive')) AS asset_count
         FROM assets a JOIN stacks s ON s.id = a.stack_id WHERE a.id = $1",
    )
    .bind(asset)
    .fetch_optional(pool)
    .await
}
