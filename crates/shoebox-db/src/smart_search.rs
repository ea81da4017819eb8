//! CLIP embeddings of assets. The column's dimension follows the model: the worker calls
//! [`prepare`] when it loads a model, which (re)types the column and builds the HNSW index the
//! first time, and starts over — emptying the table so every asset is embedded again — when the
//! model or its dimension changes.

use shoebox_core::jobs::Queue;
use sqlx::PgPool;
use uuid::Uuid;

use crate::vector;

/// Lock id serialising schema changes of the smart-search table across workers.
const PREPARE_LOCK: i64 = 0x5348_4f45_0001;

/// What [`prepare`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prepared {
    /// The table already holds this model's vectors.
    Unchanged,
    /// The first model: the table was typed and indexed.
    Created,
    /// A different model (or dimension): the table was emptied and retyped; every asset must be
    /// embedded again.
    Replaced,
}

/// The model whose vectors the table holds, and their dimension.
pub async fn current_model(pool: &PgPool) -> sqlx::Result<Option<(String, i32)>> {
    sqlx::query_as("SELECT name, dimension FROM ml_models WHERE kind = 'clip'").fetch_optional(pool).await
}

/// Makes the table ready for `model`'s `dimension`-long vectors.
pub async fn prepare(pool: &PgPool, model: &str, dimension: usize) -> sqlx::Result<Prepared> {
    let dimension = i32::try_from(dimension).map_err(|_| sqlx::Error::Protocol("dimension too large".into()))?;
    if current_model(pool).await? == Some((model.to_owned(), dimension)) {
        return Ok(Prepared::Unchanged);
    }
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(PREPARE_LOCK).execute(&mut *tx).await?;
    let current: Option<(String, i32)> =
        sqlx::query_as("SELECT name, dimension FROM ml_models WHERE kind = 'clip'").fetch_optional(&mut *tx).await?;
    if current == Some((model.to_owned(), dimension)) {
        return Ok(Prepared::Unchanged);
    }
    sqlx::query("DROP INDEX IF EXISTS smart_search_embedding").execute(&mut *tx).await?;
    sqlx::query("TRUNCATE smart_search").execute(&mut *tx).await?;
    // `dimension` is an integer we produced, so formatting it into DDL is safe.
    let retype = format!("ALTER TABLE smart_search ALTER COLUMN embedding TYPE vector({dimension})");
    sqlx::query(sqlx::AssertSqlSafe(retype)).execute(&mut *tx).await?;
    sqlx::query("CREATE INDEX smart_search_embedding ON smart_search USING hnsw (embedding vector_cosine_ops)")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE asset_job_status SET smart_search_at = NULL, duplicates_detected_at = NULL
         WHERE smart_search_at IS NOT NULL OR duplicates_detected_at IS NOT NULL",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE assets SET duplicate_id = NULL WHERE duplicate_id IS NOT NULL").execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO ml_models (kind, name, dimension) VALUES ('clip', $1, $2)
         ON CONFLICT (kind) DO UPDATE SET name = EXCLUDED.name, dimension = EXCLUDED.dimension, updated_at = now()",
    )
    .bind(model)
    .bind(dimension)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(if current.is_some() { Prepared::Replaced } else { Prepared::Created })
}

/// Stores an asset's embedding and marks the step done.
pub async fn save(pool: &PgPool, asset_id: Uuid, embedding: &[f32]) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO smart_search (asset_id, embedding) VALUES ($1, $2::vector)
         ON CONFLICT (asset_id) DO UPDATE SET embedding = EXCLUDED.embedding",
    )
    .bind(asset_id)
    .bind(vector::to_text(embedding))
    .execute(&mut *tx)
    .await?;
    crate::pipeline::mark_done(&mut tx, asset_id, Queue::SmartSearch).await?;
    tx.commit().await
}

/// The stored embedding of one of the owner's assets (to search for similar ones).
pub async fn embedding_of(pool: &PgPool, owner: Uuid, asset_id: Uuid) -> sqlx::Result<Option<Vec<f32>>> {
    let text: Option<String> = sqlx::query_scalar(
        "SELECT s.embedding::text FROM smart_search s JOIN assets a ON a.id = s.asset_id
         WHERE a.owner_id = $1 AND a.id = $2",
    )
    .bind(owner)
    .bind(asset_id)
    .fetch_optional(pool)
    .await?;
    Ok(text.map(|text| vector::from_text(&text)))
}
