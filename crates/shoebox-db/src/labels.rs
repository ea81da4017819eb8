//! Zero-shot labels: the vocabulary's CLIP text embeddings, and a photo's similarity to each.

use sqlx::PgPool;
use uuid::Uuid;

use crate::vector;

/// The labels of `labels` that have an embedding for `model`.
pub async fn embedded(pool: &PgPool, model: &str, labels: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT label FROM label_embeddings WHERE model = $1 AND label = ANY($2)")
        .bind(model)
        .bind(labels)
        .fetch_all(pool)
        .await
}

/// Keeps a label's embedding (the first one written wins, as every server computes the same).
pub async fn save(pool: &PgPool, model: &str, label: &str, embedding: &[f32]) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO label_embeddings (model, label, embedding) VALUES ($1, $2, $3::vector)
         ON CONFLICT (model, label) DO NOTHING",
    )
    .bind(model)
    .bind(label)
    .bind(vector::to_text(embedding))
    .execute(pool)
    .await?;
    Ok(())
}

/// The cosine similarity of the asset's image embedding to each of `labels` embedded for
/// `model`; empty while the asset has no embedding (or one of another dimension).
pub async fn similarities(pool: &PgPool, model: &str, asset: Uuid, labels: &[String]) -> sqlx::Result<Vec<(String, f32)>> {
    let rows: Vec<(String, f64)> = sqlx::query_as(
        "SELECT l.label, 1 - (l.embedding <=> s.embedding)
         FROM smart_search s JOIN label_embeddings l ON l.model = $1 AND l.label = ANY($3)
             AND vector_dims(l.embedding) = vector_dims(s.embedding)
         WHERE s.asset_id = $2",
    )
    .bind(model)
    .bind(asset)
    .bind(labels)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(label, similarity)| (label, similarity as f32)).collect())
}

/// Which of `labels` the owner already tagged the asset with (tag values compared without case).
pub async fn accepted(pool: &PgPool, owner: Uuid, asset: Uuid, labels: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT lower(t.value) FROM tags t JOIN tag_assets ta ON ta.tag_id = t.id
         WHERE t.owner_id = $1 AND ta.asset_id = $2 AND lower(t.value) = ANY($3)",
    )
    .bind(owner)
    .bind(asset)
    .bind(labels)
    .fetch_all(pool)
    .await
}

/// Whether the asset has a CLIP embedding to label it by.
pub async fn has_embedding(pool: &PgPool, asset: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM smart_search WHERE asset_id = $1)").bind(asset).fetch_one(pool).await
}
