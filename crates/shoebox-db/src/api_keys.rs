//! API keys. Only a SHA-256 hash of each secret is stored; the secret is shown once, at creation.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use crate::users::User;

#[derive(Debug, Clone, FromRow)]
pub struct ApiKey {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub permissions: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, user_id, name, permissions, created_at, updated_at";

pub async fn create(
    pool: &PgPool,
    user_id: Uuid,
    name: &str,
    key_hash: &[u8],
    permissions: &[String],
) -> sqlx::Result<ApiKey> {
    let sql = format!(
        "INSERT INTO api_keys (id, user_id, name, key_hash, permissions) VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(Uuid::new_v4())
        .bind(user_id)
        .bind(name)
        .bind(key_hash)
        .bind(permissions)
        .fetch_one(pool)
        .await
}

pub async fn list(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<ApiKey>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY created_at");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(pool).await
}

pub async fn get(pool: &PgPool, user_id: Uuid, id: Uuid) -> sqlx::Result<Option<ApiKey>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE user_id = $1 AND id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_optional(pool).await
}

/// Renames a key and/or replaces its permissions; `None` when the user has no such key.
pub async fn update(
    pool: &PgPool,
    user_id: Uuid,
    id: Uuid,
    name: Option<&str>,
    permissions: Option<&[String]>,
) -> sqlx::Result<Option<ApiKey>> {
    let sql = format!(
        "UPDATE api_keys SET name = COALESCE($3, name), permissions = COALESCE($4, permissions), updated_at = now()
         WHERE user_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(id)
        .bind(name)
        .bind(permissions)
        .fetch_optional(pool)
        .await
}

/// Deletes a key; false when the user has no such key.
pub async fn delete(pool: &PgPool, user_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let result =
        sqlx::query("DELETE FROM api_keys WHERE user_id = $1 AND id = $2").bind(user_id).bind(id).execute(pool).await?;
    Ok(result.rows_affected() == 1)
}

/// The key and its live user for a secret's hash.
pub async fn find_by_hash(pool: &PgPool, key_hash: &[u8]) -> sqlx::Result<Option<(ApiKey, User)>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE key_hash = $1");
    let Some(key) = sqlx::query_as::<_, ApiKey>(sqlx::AssertSqlSafe(sql)).bind(key_hash).fetch_optional(pool).await?
    else {
        return Ok(None);
    };
    Ok(crate::users::find_by_id(pool, key.user_id).await?.map(|user| (key, user)))
}
