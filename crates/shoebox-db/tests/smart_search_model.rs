//! The smart-search table follows the model: typed and indexed for the first model's dimension,
//! left alone for the same model, emptied and retyped (and every asset due again) for another.

use shoebox_db::smart_search::{self, Prepared};
use uuid::Uuid;

async fn column_type(pool: &shoebox_db::PgPool) -> String {
    sqlx::query_scalar(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
         WHERE attrelid = 'smart_search'::regclass AND attname = 'embedding'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn has_hnsw_index(pool: &shoebox_db::PgPool) -> bool {
    let definition: Option<String> =
        sqlx::query_scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'smart_search_embedding'")
            .fetch_optional(pool)
            .await
            .unwrap();
    definition.is_some_and(|d| d.contains("hnsw") && d.contains("vector_cosine_ops"))
}

#[tokio::test]
async fn a_new_model_retypes_the_table_and_makes_every_asset_due_again() {
    let url = shoebox_db::testing::fresh_database().await.unwrap();
    let pool = shoebox_db::connect(&url, 2).await.unwrap();
    let owner = Uuid::now_v7();
    sqlx::query("INSERT INTO users (id, email, name, password_hash) VALUES ($1, 'a@example.com', 'A', 'x')")
        .bind(owner)
        .execute(&pool)
        .await
        .unwrap();
    let asset = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO assets (id, owner_id, checksum, type, original_path, original_file_name, original_mime_type,
             file_size_bytes, file_created_at, file_modified_at, local_date_time)
         VALUES ($1, $2, '\\x01', 'IMAGE', 'k', 'a.jpg', 'image/jpeg', 1, now(), now(), now())",
    )
    .bind(asset)
    .bind(owner)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO asset_job_status (asset_id, thumbnails_generated_at) VALUES ($1, now())")
        .bind(asset)
        .execute(&pool)
        .await
        .unwrap();

    assert_eq!(smart_search::prepare(&pool, "small", 4).await.unwrap(), Prepared::Created);
    assert_eq!(column_type(&pool).await, "vector(4)");
    assert!(has_hnsw_index(&pool).await);
    smart_search::save(&pool, asset, &[0.5, 0.5, 0.5, 0.5]).await.unwrap();
    assert!(smart_search::save(&pool, asset, &[1.0, 0.0]).await.is_err(), "a vector of the wrong length is refused");
    assert_eq!(smart_search::prepare(&pool, "small", 4).await.unwrap(), Prepared::Unchanged);
    assert_eq!(smart_search::embedding_of(&pool, owner, asset).await.unwrap(), Some(vec![0.5; 4]));
    assert_eq!(smart_search::embedding_of(&pool, Uuid::now_v7(), asset).await.unwrap(), None, "owner-scoped");

    assert_eq!(smart_search::prepare(&pool, "bigger", 8).await.unwrap(), Prepared::Replaced);
    assert_eq!(column_type(&pool).await, "vector(8)");
    assert!(has_hnsw_index(&pool).await);
    assert_eq!(smart_search::embedding_of(&pool, owner, asset).await.unwrap(), None, "old vectors are gone");
    let due =
        shoebox_db::pipeline::due(&pool, shoebox_core::jobs::Queue::SmartSearch, shoebox_db::pipeline::Due::Missing)
            .await
            .unwrap();
    assert_eq!(due, vec![asset], "the asset is embedded again with the new model");
    assert_eq!(smart_search::current_model(&pool).await.unwrap(), Some(("bigger".into(), 8)));
}
