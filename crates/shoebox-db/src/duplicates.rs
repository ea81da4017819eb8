//! Near-duplicate groups: assets whose CLIP embeddings lie within a small cosine distance share
//! a `duplicate_id`, as in Immich. The worker forms groups; the owner dismisses or resolves them.

use shoebox_core::jobs::Queue;
use sqlx::PgPool;
use uuid::Uuid;

use crate::assets::{self, Asset};

/// Groups the asset with the owner's other assets whose embeddings lie within `max_distance`,
/// merging any groups those already belong to, and marks the step done. Returns the group, if
/// the asset has near-duplicates.
pub async fn detect(pool: &PgPool, asset_id: Uuid, max_distance: f32) -> sqlx::Result<Option<Uuid>> {
    let mut tx = pool.begin().await?;
    // One owner's groups change one at a time, so two racing assets cannot form two groups.
    let owner: Option<Uuid> =
        sqlx::query_scalar("SELECT owner_id FROM assets WHERE id = $1").bind(asset_id).fetch_optional(&mut *tx).await?;
    let Some(owner) = owner else { return Ok(None) };
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7))").bind(owner).execute(&mut *tx).await?;
    sqlx::query("SET LOCAL hnsw.iterative_scan = relaxed_order").execute(&mut *tx).await?;
    let matches: Vec<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "WITH probe AS (SELECT embedding FROM smart_search WHERE asset_id = $1)
         SELECT a.id, a.duplicate_id FROM smart_search s CROSS JOIN probe JOIN assets a ON a.id = s.asset_id
         WHERE a.owner_id = $2 AND a.id <> $1 AND a.deleted_at IS NULL
             AND a.visibility IN ('timeline', 'archive') AND s.embedding <=> probe.embedding <= $3
         ORDER BY s.embedding <=> probe.embedding LIMIT 64",
    )
    .bind(asset_id)
    .bind(owner)
    .bind(max_distance as f64)
    .fetch_all(&mut *tx)
    .await?;
    let group = if matches.is_empty() {
        None
    } else {
        let own: Option<Uuid> = sqlx::query_scalar("SELECT duplicate_id FROM assets WHERE id = $1")
            .bind(asset_id)
            .fetch_one(&mut *tx)
            .await?;
        let old_groups: Vec<Uuid> = matches.iter().filter_map(|(_, group)| *group).chain(own).collect();
        let group = old_groups.first().copied().unwrap_or_else(Uuid::now_v7);
        let members: Vec<Uuid> = matches.iter().map(|(id, _)| *id).chain([asset_id]).collect();
        sqlx::query(
            "UPDATE assets SET duplicate_id = $3, updated_at = now()
             WHERE owner_id = $1 AND (id = ANY($2) OR duplicate_id = ANY($4))",
        )
        .bind(owner)
        .bind(&members)
        .bind(group)
        .bind(&old_groups)
        .execute(&mut *tx)
        .await?;
        Some(group)
    };
    crate::pipeline::mark_done(&mut tx, asset_id, Queue::DuplicateDetection).await?;
    tx.commit().await?;
    Ok(group)
}

/// The owner's groups with at least two assets outside the trash, each with its assets.
pub async fn groups(pool: &PgPool, owner: Uuid) -> sqlx::Result<Vec<(Uuid, Vec<Asset>)>> {
    let sql = format!(
        "SELECT {} FROM {} WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.duplicate_id IN (
             SELECT duplicate_id FROM assets WHERE owner_id = $1 AND deleted_at IS NULL AND duplicate_id IS NOT NULL
             GROUP BY duplicate_id HAVING count(*) > 1)
         ORDER BY a.duplicate_id, a.local_date_time, a.id",
        assets::COLUMNS,
        assets::FROM
    );
    let rows: Vec<Asset> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).fetch_all(pool).await?;
    let mut out: Vec<(Uuid, Vec<Asset>)> = Vec::new();
    for asset in rows {
        let Some(group) = asset.duplicate_id else { continue };
        match out.last_mut() {
            Some((last, members)) if *last == group => members.push(asset),
            _ => out.push((group, vec![asset])),
        }
    }
    Ok(out)
}

/// Dissolves the owner's groups among `ids` ("not duplicates"); returns how many assets left a
/// group. Those assets are not grouped again unless their detection is re-run.
pub async fn dismiss(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<u64> {
    let result = sqlx::query(
        "UPDATE assets SET duplicate_id = NULL, updated_at = now() WHERE owner_id = $1 AND duplicate_id = ANY($2)",
    )
    .bind(owner)
    .bind(ids)
    .execute(pool)
    .await?;
    Ok(result.rows_affected())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveOutcome {
    Resolved,
    NotFound,
    /// An asset named to keep or trash is not in the group.
    NotInGroup,
}

/// Resolves one group: trashes `trash`, keeps `keep`, and dissolves the group.
pub async fn resolve(
    pool: &PgPool,
    owner: Uuid,
    group: Uuid,
    keep: &[Uuid],
    trash: &[Uuid],
) -> sqlx::Result<ResolveOutcome> {
    let mut tx = pool.begin().await?;
    let members: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM assets WHERE owner_id = $1 AND duplicate_id = $2 FOR UPDATE")
            .bind(owner)
            .bind(group)
            .fetch_all(&mut *tx)
            .await?;
    if members.is_empty() {
        return Ok(ResolveOutcome::NotFound);
    }
    if keep.iter().chain(trash).any(|id| !members.contains(id)) {
        return Ok(ResolveOutcome::NotInGroup);
    }
    sqlx::query(
        "UPDATE assets SET deleted_at = now(), updated_at = now()
         WHERE owner_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
    )
    .bind(owner)
    .bind(trash)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE assets SET duplicate_id = NULL, updated_at = now() WHERE owner_id = $1 AND duplicate_id = $2")
        .bind(owner)
        .bind(group)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(ResolveOutcome::Resolved)
}
