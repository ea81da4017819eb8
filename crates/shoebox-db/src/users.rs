//! Accounts.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub should_change_password: bool,
    pub avatar_color: Option<String>,
    pub storage_label: Option<String>,
    pub quota_size_bytes: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub profile_changed_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub should_change_password: bool,
    pub quota_size_bytes: Option<i64>,
    pub storage_label: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error("the server already has an admin")]
    AdminExists,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

const COLUMNS: &str = "id, email, name, password_hash, is_admin, should_change_password, avatar_color, \
     storage_label, quota_size_bytes, created_at, updated_at, profile_changed_at, deleted_at";

async fn insert<'e>(executor: impl sqlx::PgExecutor<'e>, new: &NewUser) -> Result<User, CreateUserError> {
    let sql = format!(
        "INSERT INTO users (id, email, name, password_hash, is_admin, should_change_password, quota_size_bytes, storage_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(Uuid::new_v4())
        .bind(new.email.trim())
        .bind(new.name.trim())
        .bind(&new.password_hash)
        .bind(new.is_admin)
        .bind(new.should_change_password)
        .bind(new.quota_size_bytes)
        .bind(&new.storage_label)
        .fetch_one(executor)
        .await
        .map_err(|err| if crate::is_unique_violation(&err) { CreateUserError::EmailTaken } else { err.into() })
}

/// Creates a user.
pub async fn create(pool: &PgPool, new: &NewUser) -> Result<User, CreateUserError> {
    insert(pool, new).await
}

/// Creates the first account, as admin, only while the server has no admin. Concurrent
/// sign-ups are serialised so that exactly one wins.
pub async fn create_first_admin(pool: &PgPool, new: &NewUser) -> Result<User, CreateUserError> {
    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
    if admin_exists(&mut *tx).await? {
        return Err(CreateUserError::AdminExists);
    }
    let user = insert(&mut *tx, &NewUser { is_admin: true, ..new.clone() }).await?;
    tx.commit().await?;
    Ok(user)
}

/// Whether the server has an admin yet (sign-up is open until it has).
pub async fn admin_exists<'e>(executor: impl sqlx::PgExecutor<'e>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE is_admin AND deleted_at IS NULL)")
        .fetch_one(executor)
        .await
}

pub async fn find_by_email(pool: &PgPool, email: &str) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(email.trim()).fetch_optional(pool).await
}

pub async fn find_by_id(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await
}

/// These users, deleted ones included (an album keeps showing who it was shared with).
pub async fn by_ids(pool: &PgPool, ids: &[Uuid]) -> sqlx::Result<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ANY($1)");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ids).fetch_all(pool).await
}

pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE deleted_at IS NULL ORDER BY created_at");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await
}

/// Replaces the password, clears the "must change password" flag and ends every session of the
/// user but `keep_session` (the one making the change), at once. API keys stay: they are not
/// sessions and are revoked one by one (as in Immich).
pub async fn set_password(
    pool: &PgPool,
    id: Uuid,
    password_hash: &str,
    keep_session: Option<Uuid>,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE users SET password_hash = $2, should_change_password = false, updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(password_hash)
    .execute(&mut *tx)
    .await?;
    crate::sessions::end_all_of(&mut *tx, id, keep_session).await?;
    tx.commit().await
}

/// What an admin may change of an account (`UserAdminUpdateDto`); `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct AdminUpdate {
    pub email: Option<String>,
    pub name: Option<String>,
    /// A new password's hash: ends all of the user's sessions.
    pub password_hash: Option<String>,
    pub is_admin: Option<bool>,
    pub should_change_password: Option<bool>,
    pub quota_size_bytes: Option<Option<i64>>,
    pub storage_label: Option<Option<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateUserError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Applies an admin's changes to a live account; `None` when there is no such account.
pub async fn update_by_admin(pool: &PgPool, id: Uuid, update: &AdminUpdate) -> Result<Option<User>, UpdateUserError> {
    let mut tx = pool.begin().await?;
    let sql = format!(
        "UPDATE users SET
            email = COALESCE($2, email),
            name = COALESCE($3, name),
            password_hash = COALESCE($4, password_hash),
            is_admin = COALESCE($5, is_admin),
            should_change_password = COALESCE($6, should_change_password),
            quota_size_bytes = CASE WHEN $7 THEN $8 ELSE quota_size_bytes END,
            storage_label = CASE WHEN $9 THEN $10 ELSE storage_label END,
            updated_at = now()
         WHERE id = $1 AND deleted_at IS NULL RETURNING {COLUMNS}"
    );
    let user: Option<User> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(update.email.as_deref().map(str::trim))
        .bind(update.name.as_deref().map(str::trim))
        .bind(&update.password_hash)
        .bind(update.is_admin)
        .bind(update.should_change_password)
        .bind(update.quota_size_bytes.is_some())
        .bind(update.quota_size_bytes.flatten())
        .bind(update.storage_label.is_some())
        .bind(update.storage_label.clone().flatten())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|err| if crate::is_unique_violation(&err) { UpdateUserError::EmailTaken } else { err.into() })?;
    if user.is_some() && update.password_hash.is_some() {
        crate::sessions::end_all_of(&mut *tx, id, None).await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// Bytes of originals a user has stored (trash included: it still takes space). External
/// libraries' files are the user's own disk, not Shoebox's, and do not count (as in Immich).
pub async fn usage_bytes(pool: &PgPool, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(SUM(file_size_bytes), 0)::bigint FROM assets WHERE owner_id = $1 AND library_id IS NULL",
    )
    .bind(id)
    .fetch_one(pool)
    .await
}

/// The user's quota and the bytes their assets use, with the user's row locked until `tx` ends:
/// uploads checking the quota this way take turns, so together they cannot pass it. The usage
/// is read after the lock is held, so it includes every upload that committed before.
pub async fn lock_quota(tx: &mut sqlx::PgConnection, id: Uuid) -> sqlx::Result<(Option<i64>, i64)> {
    let quota: Option<i64> = sqlx::query_scalar("SELECT quota_size_bytes FROM users WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .flatten();
    let usage = sqlx::query_scalar(
        "SELECT COALESCE(SUM(file_size_bytes), 0)::bigint FROM assets WHERE owner_id = $1 AND library_id IS NULL",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    Ok((quota, usage))
}

/// The settings a user changed (a JSON object); empty when they changed none.
pub async fn preferences(pool: &PgPool, id: Uuid) -> sqlx::Result<serde_json::Value> {
    let stored: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT preferences FROM user_preferences WHERE user_id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(stored.unwrap_or_else(|| serde_json::json!({})))
}

pub async fn save_preferences(pool: &PgPool, id: Uuid, preferences: &serde_json::Value) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_preferences (user_id, preferences) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET preferences = EXCLUDED.preferences, updated_at = now()",
    )
    .bind(id)
    .bind(preferences)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn set_avatar_color(pool: &PgPool, id: Uuid, color: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET avatar_color = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(color)
        .execute(pool)
        .await?;
    Ok(())
}

/// Marks a user deleted and ends their sessions and API keys; their library stays until a
/// deletion for good. Returns the user as deleted, or `None` when there is no such active user.
pub async fn soft_delete(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<User>> {
    let mut tx = pool.begin().await?;
    let sql = format!(
        "UPDATE users SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING {COLUMNS}"
    );
    let user: Option<User> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *tx).await?;
    if user.is_some() {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM api_keys WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// Removes a user and everything they own from the database; returns the storage keys of their
/// files for the caller to delete once the rows are gone.
pub async fn delete_for_good(pool: &PgPool, id: Uuid) -> sqlx::Result<Vec<String>> {
    let mut tx = pool.begin().await?;
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT original_path FROM assets WHERE owner_id = $1
         UNION ALL SELECT f.path FROM asset_files f JOIN assets a ON a.id = f.asset_id WHERE a.owner_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(keys)
}
