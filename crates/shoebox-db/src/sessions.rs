//! Login sessions. Only a SHA-256 hash of each bearer token is stored.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use crate::users::User;

#[derive(Debug, Clone, FromRow)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub device_type: String,
    pub device_os: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Until when the PIN code unlocked the locked folder for this session.
    pub pin_expires_at: Option<DateTime<Utc>>,
}

pub async fn create(
    pool: &PgPool,
    user_id: Uuid,
    token_hash: &[u8],
    device_type: &str,
    device_os: &str,
) -> sqlx::Result<Session> {
    sqlx::query_as(
        "INSERT INTO sessions (id, user_id, token_hash, device_type, device_os) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, user_id, device_type, device_os, created_at, updated_at, pin_expires_at",
    )
    .bind(Uuid::new_v4())
    .bind(user_id)
    .bind(token_hash)
    .bind(device_type)
    .bind(device_os)
    .fetch_one(pool)
    .await
}

/// The session and its live user for a token hash.
pub async fn find_by_token_hash(pool: &PgPool, token_hash: &[u8]) -> sqlx::Result<Option<(Session, User)>> {
    let Some(session) = sqlx::query_as::<_, Session>(
        "SELECT id, user_id, device_type, device_os, created_at, updated_at, pin_expires_at FROM sessions
         WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    Ok(crate::users::find_by_id(pool, session.user_id).await?.map(|user| (session, user)))
}

pub async fn delete(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(pool).await?;
    Ok(())
}

/// Ends every session of `user` but `keep` (when given); returns how many ended.
pub async fn end_all_of<'e>(executor: impl sqlx::PgExecutor<'e>, user: Uuid, keep: Option<Uuid>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2::uuid IS NULL OR id <> $2)")
        .bind(user)
        .bind(keep)
        .execute(executor)
        .await?;
    Ok(done.rows_affected())
}
