//! Users for the sync stream: the caller (`AuthUserV1`), everyone (`UserV1`, the app shows them
//! as possible partners and album members), users deleted, and the caller's preferences
//! (`UserMetadataV1`).

use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::{Gone, PAGE, Window, page, window};
use crate::users::User;

#[derive(Debug, Clone, FromRow)]
pub struct SyncedUser {
    #[sqlx(flatten)]
    pub user: User,
    pub update_id: Uuid,
    pub usage_bytes: i64,
}

/// Users changed in the window (all users). `only` limits it to one user, for the caller's own
/// `AuthUserV1`.
pub async fn users(pool: &PgPool, only: Option<Uuid>, window: Window) -> sqlx::Result<Vec<SyncedUser>> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.password_hash, u.is_admin, u.should_change_password, u.avatar_color,
                u.storage_label, u.quota_size_bytes, u.created_at, u.updated_at, u.profile_changed_at, u.deleted_at,
                u.update_id,
                COALESCE((SELECT sum(file_size_bytes) FROM assets WHERE owner_id = u.id AND library_id IS NULL), 0)::bigint
                    AS usage_bytes
         FROM users u
         WHERE ($1::uuid IS NULL OR u.id = $1) AND ($2::uuid IS NULL OR u.update_id > $2) AND u.update_id < $3
         ORDER BY u.update_id LIMIT $4",
    )
    .bind(only)
    .bind(window.after)
    .bind(window.before)
    .bind(PAGE)
    .fetch_all(pool)
    .await
}

/// Users deleted for good (every user hears of it; `$1` is unused but keeps the binds uniform).
pub async fn user_deletes(pool: &PgPool, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, user_id AS first, NULL::uuid AS second, NULL::text AS key FROM user_audit
         WHERE $1::uuid IS NOT NULL AND ",
        window!("id")
    );
    page(pool, SQL, Uuid::nil(), window).await
}

/// The caller's stored preferences, Immich's `preferences` user metadata.
#[derive(Debug, Clone, FromRow)]
pub struct SyncedPreferences {
    pub user_id: Uuid,
    pub preferences: serde_json::Value,
    pub update_id: Uuid,
}

pub async fn user_metadata(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<SyncedPreferences>> {
    const SQL: &str = concat!(
        "SELECT user_id, preferences, update_id FROM user_preferences WHERE user_id = $1 AND ",
        window!("update_id")
    );
    page(pool, SQL, user, window).await
}

pub async fn user_metadata_deletes(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, user_id AS first, NULL::uuid AS second, key FROM user_metadata_audit WHERE user_id = $1 AND ",
        window!("id")
    );
    page(pool, SQL, user, window).await
}
