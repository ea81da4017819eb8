//! Partner sharing: a user shares their timeline (photos and videos not archived, hidden or
//! trashed) with another user of the server.

use sqlx::{FromRow, PgPool};
use uuid::Uuid;

/// One direction of a share, seen from either side.
#[derive(Debug, Clone, FromRow)]
pub struct Partner {
    /// The other user.
    pub user_id: Uuid,
    /// Whether the receiving user shows these photos in their own timeline.
    pub in_timeline: bool,
}

/// Users the given user shares with (`sharing = true`) or who share with them.
pub async fn list(pool: &PgPool, user: Uuid, sharing: bool) -> sqlx::Result<Vec<Partner>> {
    let sql = if sharing {
        "SELECT shared_with_id AS user_id, in_timeline FROM partners WHERE shared_by_id = $1 ORDER BY created_at"
    } else {
        "SELECT shared_by_id AS user_id, in_timeline FROM partners WHERE shared_with_id = $1 ORDER BY created_at"
    };
    sqlx::query_as(sql).bind(user).fetch_all(pool).await
}

/// Why a share could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    UserNotFound,
    Yourself,
    AlreadyShared,
}

/// `by` starts sharing their timeline with `with`.
pub async fn share(pool: &PgPool, by: Uuid, with: Uuid) -> sqlx::Result<Result<Partner, ShareError>> {
    if by == with {
        return Ok(Err(ShareError::Yourself));
    }
    let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL")
        .bind(with)
        .fetch_optional(pool)
        .await?;
    if exists.is_none() {
        return Ok(Err(ShareError::UserNotFound));
    }
    let added =
        sqlx::query("INSERT INTO partners (shared_by_id, shared_with_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(by)
            .bind(with)
            .execute(pool)
            .await?;
    if added.rows_affected() == 0 {
        return Ok(Err(ShareError::AlreadyShared));
    }
    Ok(Ok(Partner { user_id: with, in_timeline: false }))
}

/// `by` stops sharing with `with`; false when they were not.
pub async fn unshare(pool: &PgPool, by: Uuid, with: Uuid) -> sqlx::Result<bool> {
    let result = sqlx::query("DELETE FROM partners WHERE shared_by_id = $1 AND shared_with_id = $2")
        .bind(by)
        .bind(with)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// The receiving user shows (or hides) a partner's photos in their timeline; false when that
/// partner does not share with them.
pub async fn set_in_timeline(pool: &PgPool, user: Uuid, partner: Uuid, in_timeline: bool) -> sqlx::Result<bool> {
    let result = sqlx::query("UPDATE partners SET in_timeline = $3 WHERE shared_by_id = $2 AND shared_with_id = $1")
        .bind(user)
        .bind(partner)
        .bind(in_timeline)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() > 0)
}
