//! People and the faces on the caller's assets, for the sync stream.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::{Gone, Window, page, window};
use crate::people::Face;

#[derive(Debug, Clone, FromRow)]
pub struct SyncedPerson {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub is_hidden: bool,
    pub is_favorite: bool,
    pub color: Option<String>,
    pub face_asset_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub update_id: Uuid,
}

/// A face on one of the caller's assets with the update id the stream acks.
#[derive(Debug, Clone, FromRow)]
pub struct SyncedFace {
    #[sqlx(flatten)]
    pub face: Face,
    pub update_id: Uuid,
}

pub async fn people(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedPerson>> {
    const SQL: &str = concat!(
        "SELECT p.id, p.owner_id, p.name, p.birth_date, p.is_hidden, p.is_favorite, p.color,
                f.asset_id AS face_asset_id, p.created_at, p.updated_at, p.update_id
         FROM people p LEFT JOIN asset_faces f ON f.id = p.face_id WHERE p.owner_id = $1 AND ",
        window!("p.update_id")
    );
    page(pool, SQL, owner, window).await
}

pub async fn person_deletes(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, person_id AS first, NULL::uuid AS second, NULL::text AS key FROM person_audit
         WHERE owner_id = $1 AND ",
        window!("id")
    );
    page(pool, SQL, owner, window).await
}

/// Faces on the caller's assets.
pub async fn faces(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedFace>> {
    const SQL: &str = concat!(
        "SELECT f.id, f.asset_id, f.person_id, f.image_width, f.image_height, f.bounding_box_x1, f.bounding_box_y1,
                f.bounding_box_x2, f.bounding_box_y2, f.source_type, f.update_id
         FROM asset_faces f JOIN assets a ON a.id = f.asset_id WHERE a.owner_id = $1 AND ",
        window!("f.update_id")
    );
    page(pool, SQL, owner, window).await
}

pub async fn face_deletes(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, asset_face_id AS first, asset_id AS second, NULL::text AS key FROM asset_face_audit
         WHERE owner_id = $1 AND ",
        window!("id")
    );
    page(pool, SQL, owner, window).await
}
