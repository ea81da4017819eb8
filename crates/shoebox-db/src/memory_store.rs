//! Stored memories (`memories`, `memory_assets`): made on demand for a day, listed with
//! Immich's filters, saved, seen, given assets or deleted. Every change touches the memory's
//! row, so its update id moves and the sync stream resends it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use crate::assets::{Asset, COLUMNS, FROM};
use crate::memories::on_this_day;

#[derive(Debug, Clone, FromRow)]
pub struct Memory {
    pub id: Uuid,
    pub owner_id: Uuid,
    #[sqlx(rename = "type")]
    pub memory_type: String,
    pub data: serde_json::Value,
    pub is_saved: bool,
    pub memory_at: DateTime<Utc>,
    pub seen_at: Option<DateTime<Utc>>,
    pub show_at: Option<DateTime<Utc>>,
    pub hide_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A memory and the assets it shows: in the timeline, not trashed, oldest first.
#[derive(Debug, Clone)]
pub struct MemoryWithAssets {
    pub memory: Memory,
    pub assets: Vec<Asset>,
}

const MEMORY: &str = "m.id, m.owner_id, m.type, m.data, m.is_saved, m.memory_at, m.seen_at, m.show_at, m.hide_at, \
    m.created_at, m.updated_at, m.deleted_at";

/// Makes the owner's "on this day" memories for `day` that were never made: one per earlier
/// year with photos, shown from the start to the end of that day (UTC), as Immich's nightly job
/// does. Safe to call on every request and from racing requests: each owner, day and year gets
/// one memory, ever.
pub async fn generate_on_this_day(pool: &PgPool, owner: Uuid, day: NaiveDate) -> sqlx::Result<()> {
    use chrono::Datelike;
    let years = on_this_day(pool, owner, day.month(), day.day(), day.year()).await?;
    if years.is_empty() {
        return Ok(());
    }
    let show_at = day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
    let hide_at = show_at + chrono::Duration::days(1) - chrono::Duration::milliseconds(1);
    let mut tx = pool.begin().await?;
    for year in years {
        let claimed = sqlx::query(
            "INSERT INTO memory_generations (owner_id, day, year) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(owner)
        .bind(day)
        .bind(year.year)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        // 29 February remembered in a year without one falls on the 28th.
        let memory_day = day.with_year(year.year).or_else(|| NaiveDate::from_ymd_opt(year.year, day.month(), 28));
        let memory_at = memory_day.and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()).unwrap_or(show_at);
        let ids: Vec<Uuid> = year.assets.iter().map(|a| a.id).collect();
        let new = NewMemory {
            memory_type: "on_this_day".into(),
            data: serde_json::json!({ "year": year.year }),
            memory_at,
            is_saved: false,
            seen_at: None,
            show_at: Some(show_at),
            hide_at: Some(hide_at),
        };
        insert(&mut tx, owner, &new, &ids).await?;
    }
    tx.commit().await
}

#[derive(Debug, Clone)]
pub struct NewMemory {
    pub memory_type: String,
    pub data: serde_json::Value,
    pub memory_at: DateTime<Utc>,
    pub is_saved: bool,
    pub seen_at: Option<DateTime<Utc>>,
    pub show_at: Option<DateTime<Utc>>,
    pub hide_at: Option<DateTime<Utc>>,
}

async fn insert(tx: &mut sqlx::PgConnection, owner: Uuid, new: &NewMemory, assets: &[Uuid]) -> sqlx::Result<Uuid> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO memories (owner_id, type, data, memory_at, is_saved, seen_at, show_at, hide_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(owner)
    .bind(&new.memory_type)
    .bind(&new.data)
    .bind(new.memory_at)
    .bind(new.is_saved)
    .bind(new.seen_at)
    .bind(new.show_at)
    .bind(new.hide_at)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO memory_assets (memory_id, asset_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(assets)
        .execute(&mut *tx)
        .await?;
    Ok(id)
}

/// Creates a memory of the owner's with `assets` (already checked to be theirs).
pub async fn create(pool: &PgPool, owner: Uuid, new: &NewMemory, assets: &[Uuid]) -> sqlx::Result<Uuid> {
    let mut tx = pool.begin().await?;
    let id = insert(&mut tx, owner, new, assets).await?;
    tx.commit().await?;
    Ok(id)
}

/// Immich's `MemorySearchDto`.
#[derive(Debug, Clone, Default)]
pub struct MemorySearch {
    pub memory_type: Option<String>,
    /// Only memories shown at this instant (those without a window always are).
    pub at: Option<DateTime<Utc>>,
    pub is_trashed: bool,
    pub is_saved: Option<bool>,
    pub size: Option<i64>,
    /// `asc`, `desc` (by memory date) or `random`.
    pub order: MemoryOrder,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MemoryOrder {
    Ascending,
    #[default]
    Descending,
    Random,
}

const SEARCH: &str = "m.owner_id = $1 AND ($2::text IS NULL OR m.type = $2)
    AND ($3::timestamptz IS NULL OR ((m.show_at IS NULL OR m.show_at <= $3) AND (m.hide_at IS NULL OR m.hide_at >= $3)))
    AND ((m.deleted_at IS NOT NULL) = $4)
    AND ($5::boolean IS NULL OR m.is_saved = $5)";

/// The owner's memories that match, each with its assets; memories left with no asset to show
/// are left out, as in Immich.
pub async fn search(pool: &PgPool, owner: Uuid, search: &MemorySearch) -> sqlx::Result<Vec<MemoryWithAssets>> {
    let order = match search.order {
        MemoryOrder::Ascending => "m.memory_at ASC, m.id",
        MemoryOrder::Descending => "m.memory_at DESC, m.id",
        MemoryOrder::Random => "random()",
    };
    let sql = format!(
        "SELECT {MEMORY} FROM memories m WHERE {SEARCH}
             AND EXISTS (SELECT 1 FROM memory_assets ma JOIN assets a ON a.id = ma.asset_id
                         WHERE ma.memory_id = m.id AND a.visibility = 'timeline' AND a.deleted_at IS NULL)
         ORDER BY {order} LIMIT $6"
    );
    let memories: Vec<Memory> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(&search.memory_type)
        .bind(search.at)
        .bind(search.is_trashed)
        .bind(search.is_saved)
        .bind(search.size)
        .fetch_all(pool)
        .await?;
    with_assets(pool, memories).await
}

/// How many of the owner's memories match (Immich counts them whether or not they show assets).
pub async fn count(pool: &PgPool, owner: Uuid, search: &MemorySearch) -> sqlx::Result<i64> {
    let sql = format!("SELECT count(*) FROM memories m WHERE {SEARCH}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(&search.memory_type)
        .bind(search.at)
        .bind(search.is_trashed)
        .bind(search.is_saved)
        .fetch_one(pool)
        .await
}

async fn with_assets(pool: &PgPool, memories: Vec<Memory>) -> sqlx::Result<Vec<MemoryWithAssets>> {
    let ids: Vec<Uuid> = memories.iter().map(|m| m.id).collect();
    let sql = format!(
        "SELECT ma.memory_id, {COLUMNS} FROM memory_assets ma JOIN {FROM} ON a.id = ma.asset_id
         WHERE ma.memory_id = ANY($1) AND a.visibility = 'timeline' AND a.deleted_at IS NULL
         ORDER BY a.file_created_at, a.id"
    );
    let rows: Vec<MemberAsset> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&ids).fetch_all(pool).await?;
    Ok(memories
        .into_iter()
        .map(|memory| {
            let assets = rows.iter().filter(|r| r.memory_id == memory.id).map(|r| r.asset.clone()).collect();
            MemoryWithAssets { memory, assets }
        })
        .collect())
}

#[derive(FromRow)]
struct MemberAsset {
    memory_id: Uuid,
    #[sqlx(flatten)]
    asset: Asset,
}

pub async fn get(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<Option<MemoryWithAssets>> {
    let sql = format!("SELECT {MEMORY} FROM memories m WHERE m.owner_id = $1 AND m.id = $2 AND m.deleted_at IS NULL");
    let memory: Option<Memory> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(id).fetch_optional(pool).await?;
    Ok(match memory {
        Some(memory) => with_assets(pool, vec![memory]).await?.pop(),
        None => None,
    })
}

/// Immich's `MemoryUpdateDto`; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct MemoryUpdate {
    pub is_saved: Option<bool>,
    pub seen_at: Option<DateTime<Utc>>,
    pub memory_at: Option<DateTime<Utc>>,
}

/// Applies `update` to the owner's memory; false when there is no such memory.
pub async fn update(pool: &PgPool, owner: Uuid, id: Uuid, update: &MemoryUpdate) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "UPDATE memories SET is_saved = COALESCE($3, is_saved), seen_at = COALESCE($4, seen_at),
             memory_at = COALESCE($5, memory_at), updated_at = now()
         WHERE owner_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(owner)
    .bind(id)
    .bind(update.is_saved)
    .bind(update.seen_at)
    .bind(update.memory_at)
    .execute(pool)
    .await?;
    Ok(changed.rows_affected() == 1)
}

pub async fn delete(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let deleted =
        sqlx::query("DELETE FROM memories WHERE owner_id = $1 AND id = $2").bind(owner).bind(id).execute(pool).await?;
    Ok(deleted.rows_affected() == 1)
}

/// What adding or removing one asset did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetOutcome {
    Done,
    /// Already in (adding) — Immich's `duplicate`.
    Duplicate,
    /// Not in the memory (removing), or not an asset the owner may put in one (adding).
    NotFound,
}

/// Adds `ids` to the owner's memory, in order; `allowed` are those the owner may put in it.
/// `None` when the memory is not theirs.
pub async fn add_assets(
    pool: &PgPool,
    owner: Uuid,
    id: Uuid,
    ids: &[Uuid],
    allowed: &[Uuid],
) -> sqlx::Result<Option<Vec<AssetOutcome>>> {
    let mut tx = pool.begin().await?;
    if !lock_memory(&mut tx, owner, id).await? {
        return Ok(None);
    }
    let added: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO memory_assets (memory_id, asset_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING RETURNING asset_id",
    )
    .bind(id)
    .bind(allowed)
    .fetch_all(&mut *tx)
    .await?;
    touch(&mut tx, id, !added.is_empty()).await?;
    tx.commit().await?;
    Ok(Some(
        ids.iter()
            .map(|asset| {
                if added.contains(asset) {
                    AssetOutcome::Done
                } else if allowed.contains(asset) {
                    AssetOutcome::Duplicate
                } else {
                    AssetOutcome::NotFound
                }
            })
            .collect(),
    ))
}

/// Removes `ids` from the owner's memory; `None` when the memory is not theirs.
pub async fn remove_assets(
    pool: &PgPool,
    owner: Uuid,
    id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<Option<Vec<AssetOutcome>>> {
    let mut tx = pool.begin().await?;
    if !lock_memory(&mut tx, owner, id).await? {
        return Ok(None);
    }
    let removed: Vec<Uuid> =
        sqlx::query_scalar("DELETE FROM memory_assets WHERE memory_id = $1 AND asset_id = ANY($2) RETURNING asset_id")
            .bind(id)
            .bind(ids)
            .fetch_all(&mut *tx)
            .await?;
    touch(&mut tx, id, !removed.is_empty()).await?;
    tx.commit().await?;
    Ok(Some(
        ids.iter().map(|a| if removed.contains(a) { AssetOutcome::Done } else { AssetOutcome::NotFound }).collect(),
    ))
}

async fn lock_memory(tx: &mut sqlx::PgConnection, owner: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let found: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM memories WHERE owner_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE")
            .bind(owner)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(found.is_some())
}

async fn touch(tx: &mut sqlx::PgConnection, id: Uuid, changed: bool) -> sqlx::Result<()> {
    if changed {
        sqlx::query("UPDATE memories SET updated_at = now() WHERE id = $1").bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Those of `ids` the owner may put in a memory: their own, never from the locked folder.
pub async fn shareable_assets(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("SELECT id FROM assets WHERE owner_id = $1 AND id = ANY($2) AND visibility <> 'locked'")
        .bind(owner)
        .bind(ids)
        .fetch_all(pool)
        .await
}
