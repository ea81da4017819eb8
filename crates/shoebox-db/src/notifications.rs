//! Immich's notifications (the bell in the web gallery): what a user should know of, such as a
//! nightly backup that failed.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Notification {
    pub id: Uuid,
    pub level: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    pub data: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A notice for every admin; returns how many got it.
pub async fn notify_admins(
    pool: &PgPool,
    level: &str,
    kind: &str,
    title: &str,
    description: &str,
    data: &Value,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "INSERT INTO notifications (user_id, level, type, title, description, data)
         SELECT id, $1, $2, $3, $4, $5 FROM users WHERE is_admin AND deleted_at IS NULL",
    )
    .bind(level)
    .bind(kind)
    .bind(title)
    .bind(description)
    .bind(data)
    .execute(pool)
    .await?
    .rows_affected())
}

/// The user's notifications, newest first; `unread` keeps only those not read yet.
pub async fn list(pool: &PgPool, user: Uuid, unread: bool) -> sqlx::Result<Vec<Notification>> {
    sqlx::query_as(
        "SELECT id, level, type, title, description, data, created_at, read_at FROM notifications
         WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL) ORDER BY created_at DESC LIMIT 500",
    )
    .bind(user)
    .bind(unread)
    .fetch_all(pool)
    .await
}

/// Marks the user's notifications read (or unread); returns how many changed.
pub async fn set_read(pool: &PgPool, user: Uuid, ids: &[Uuid], read_at: Option<DateTime<Utc>>) -> sqlx::Result<u64> {
    Ok(sqlx::query("UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND id = ANY($2)")
        .bind(user)
        .bind(ids)
        .bind(read_at)
        .execute(pool)
        .await?
        .rows_affected())
}

pub async fn delete(pool: &PgPool, user: Uuid, ids: &[Uuid]) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM notifications WHERE user_id = $1 AND id = ANY($2)")
        .bind(user)
        .bind(ids)
        .execute(pool)
        .await?
        .rows_affected())
}
