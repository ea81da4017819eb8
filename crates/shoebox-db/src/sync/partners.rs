//! Partner sharing for the sync stream: the partnerships a user is in, and which sharers'
//! libraries they gained (for backfill).

use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::{Gone, Grant, Window, page, window};

#[derive(Debug, Clone, FromRow)]
pub struct SyncedPartner {
    pub shared_by_id: Uuid,
    pub shared_with_id: Uuid,
    pub in_timeline: bool,
    pub update_id: Uuid,
}

/// Partnerships the caller is on either side of.
pub async fn partners(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<SyncedPartner>> {
    const SQL: &str = concat!(
        "SELECT shared_by_id, shared_with_id, in_timeline, update_id FROM partners
         WHERE (shared_by_id = $1 OR shared_with_id = $1) AND ",
        window!("update_id")
    );
    page(pool, SQL, user, window).await
}

pub async fn partner_deletes(pool: &PgPool, user: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, shared_by_id AS first, shared_with_id AS second, NULL::text AS key FROM partner_audit
         WHERE (shared_by_id = $1 OR shared_with_id = $1) AND ",
        window!("id")
    );
    page(pool, SQL, user, window).await
}

/// The sharers whose libraries the caller gained, from `after` on (inclusive), below `before`.
pub async fn partner_grants(
    pool: &PgPool,
    viewer: Uuid,
    after: Option<Uuid>,
    before: Uuid,
) -> sqlx::Result<Vec<Grant>> {
    sqlx::query_as(
        "SELECT shared_by_id AS entity_id, create_id FROM partners
         WHERE shared_with_id = $1 AND ($2::uuid IS NULL OR create_id >= $2) AND create_id < $3 ORDER BY create_id",
    )
    .bind(viewer)
    .bind(after)
    .bind(before)
    .fetch_all(pool)
    .await
}
