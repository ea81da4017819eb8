//! The locked folder: a user's PIN code and, per session, until when the PIN unlocked it.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// The argon2 hash of the user's PIN code, if they have set one.
pub async fn pin_code_hash(pool: &PgPool, user: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT pin_code_hash FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(pool)
        .await
        .map(Option::flatten)
}

/// Sets (or with `None` removes) the user's PIN code.
pub async fn set_pin_code(pool: &PgPool, user: Uuid, hash: Option<&str>) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET pin_code_hash = $2, updated_at = now() WHERE id = $1")
        .bind(user)
        .bind(hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Until when the session may see the locked folder (`None`: locked).
pub async fn session_unlocked_until(pool: &PgPool, session: Uuid) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT pin_expires_at FROM sessions WHERE id = $1")
        .bind(session)
        .fetch_optional(pool)
        .await
        .map(Option::flatten)
}

/// Unlocks the session until `until`, or locks it again with `None`.
pub async fn set_session_unlocked_until(
    pool: &PgPool,
    session: Uuid,
    until: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET pin_expires_at = $2 WHERE id = $1")
        .bind(session)
        .bind(until)
        .execute(pool)
        .await?;
    Ok(())
}

/// Pushes an unlocked session's expiry out to at least `until` (use keeps it open).
pub async fn extend_session_unlock(pool: &PgPool, session: Uuid, until: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET pin_expires_at = $2 WHERE id = $1 AND pin_expires_at > now() AND pin_expires_at < $2",
    )
    .bind(session)
    .bind(until)
    .execute(pool)
    .await?;
    Ok(())
}

/// Locks every session of the user (their PIN code was reset).
pub async fn lock_all_sessions(pool: &PgPool, user: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET pin_expires_at = NULL WHERE user_id = $1").bind(user).execute(pool).await?;
    Ok(())
}
