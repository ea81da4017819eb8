//! Detected faces, their ArcFace embeddings, and the primitives of clustering them into people.
//! Worker-side functions act for the system; the API's owner-scoped reads live in [`crate::people`].

use shoebox_core::jobs::Queue;
use sqlx::{FromRow, PgConnection, PgPool};
use uuid::Uuid;

use crate::vector;

/// A face found by the detector, in the pixel space of the image it ran on.
#[derive(Debug, Clone)]
pub struct NewFace {
    pub image_width: i32,
    pub image_height: i32,
    /// x1, y1, x2, y2.
    pub bounding_box: [i32; 4],
    pub score: f32,
    pub embedding: Vec<f32>,
}

/// Replaces the detector's faces of an asset (keeping manual ones), marks detection done and
/// recognition due again. Returns the new faces' ids.
pub async fn replace_detected(pool: &PgPool, asset_id: Uuid, faces: &[NewFace]) -> sqlx::Result<Vec<Uuid>> {
    let mut tx = pool.begin().await?;
    let former_people: Vec<Uuid> = sqlx::query_scalar::<_, Option<Uuid>>(
        "DELETE FROM asset_faces WHERE asset_id = $1 AND source_type = 'machine-learning'
         RETURNING person_id",
    )
    .bind(asset_id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .flatten()
    .collect();
    let mut ids = Vec::with_capacity(faces.len());
    for face in faces {
        let id = Uuid::now_v7();
        let [x1, y1, x2, y2] = face.bounding_box;
        sqlx::query(
            "INSERT INTO asset_faces (id, asset_id, image_width, image_height, bounding_box_x1, bounding_box_y1,
                 bounding_box_x2, bounding_box_y2, score)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(asset_id)
        .bind(face.image_width)
        .bind(face.image_height)
        .bind(x1)
        .bind(y1)
        .bind(x2)
        .bind(y2)
        .bind(face.score)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO face_search (face_id, embedding) VALUES ($1, $2::vector)")
            .bind(id)
            .bind(vector::to_text(&face.embedding))
            .execute(&mut *tx)
            .await?;
        ids.push(id);
    }
    crate::pipeline::mark_done(&mut tx, asset_id, Queue::FaceDetection).await?;
    sqlx::query("UPDATE asset_job_status SET facial_recognition_at = NULL WHERE asset_id = $1")
        .bind(asset_id)
        .execute(&mut *tx)
        .await?;
    delete_empty_people(&mut tx, Some(&former_people)).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Takes the per-owner lock under which faces are clustered, so two workers never create two
/// people for one cluster. Held until the transaction ends.
pub async fn lock_owner(conn: &mut PgConnection, owner: Uuid) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 5))").bind(owner).execute(&mut *conn).await?;
    Ok(())
}

/// The asset's faces that belong to no one yet.
pub async fn unassigned(conn: &mut PgConnection, asset_id: Uuid) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "SELECT f.id FROM asset_faces f JOIN face_search s ON s.face_id = f.id
         WHERE f.asset_id = $1 AND f.person_id IS NULL ORDER BY f.id",
    )
    .bind(asset_id)
    .fetch_all(&mut *conn)
    .await
}

/// A face near another one.
#[derive(Debug, Clone, FromRow)]
pub struct Neighbour {
    pub face_id: Uuid,
    pub asset_id: Uuid,
    pub person_id: Option<Uuid>,
    /// Whether a user vouched for the neighbour's person: they chose it for this face, or named
    /// the person.
    pub trusted: bool,
    pub distance: f64,
}

/// The owner's faces within `max_distance` (cosine) of `face`, nearest first, the face itself
/// included. Trashed assets' faces do not count, nor do the faces of people `face` was rejected
/// from: recognition never gives it back to them, nor makes a new person of it out of theirs.
pub async fn neighbours(
    conn: &mut PgConnection,
    owner: Uuid,
    face: Uuid,
    max_distance: f32,
    limit: i64,
) -> sqlx::Result<Vec<Neighbour>> {
    // The owner filter runs after the index scan; iterative scanning keeps looking until enough
    // rows pass it.
    sqlx::query("SET LOCAL hnsw.iterative_scan = relaxed_order").execute(&mut *conn).await?;
    sqlx::query_as(
        "WITH probe AS (SELECT embedding FROM face_search WHERE face_id = $2),
         near AS MATERIALIZED (
             SELECT f.id AS face_id, f.asset_id, f.person_id, f.confirmed,
                    (s.embedding <=> probe.embedding)::float8 AS distance
             FROM face_search s CROSS JOIN probe
             JOIN asset_faces f ON f.id = s.face_id
             JOIN assets a ON a.id = f.asset_id
             WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND s.embedding <=> probe.embedding <= $3
             ORDER BY s.embedding <=> probe.embedding
             LIMIT $4)
         SELECT near.face_id, near.asset_id, near.person_id,
                COALESCE(near.confirmed OR p.name <> '', false) AS trusted, near.distance
         FROM near
         LEFT JOIN people p ON p.id = near.person_id
         WHERE NOT EXISTS (SELECT 1 FROM face_rejections r WHERE r.face_id = $2 AND r.person_id = near.person_id)
         ORDER BY near.distance",
    )
    .bind(owner)
    .bind(face)
    .bind(max_distance as f64)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

/// The faces a search across all of person `$2`'s faces starts from: those users chose first,
/// then the newest (ids are time-ordered). Bounded, so a person with thousands of faces costs what
/// one with 64 does.
const PERSON_PROBES: &str = "(SELECT ps.embedding FROM asset_faces pf JOIN face_search ps ON ps.face_id = pf.id
      WHERE pf.person_id = $2 ORDER BY pf.confirmed DESC, pf.id DESC LIMIT 64) probe";

/// A transaction in which the HNSW index keeps scanning until enough rows pass the filters that
/// run after it (the owner's, the person's), rather than returning fewer.
async fn iterative_scan(pool: &PgPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL hnsw.iterative_scan = relaxed_order").execute(&mut *tx).await?;
    Ok(tx)
}

/// The owner's assets holding an unassigned face within `max_distance` of one of `person`'s faces
/// (and not rejected from them): what recognition should look at again once a user has said who
/// the person is.
pub async fn assets_near_person(pool: &PgPool, owner: Uuid, person: Uuid, max_distance: f32) -> sqlx::Result<Vec<Uuid>> {
    let mut tx = iterative_scan(pool).await?;
    let sql = format!(
        "SELECT DISTINCT near.asset_id
         FROM {PERSON_PROBES}
         CROSS JOIN LATERAL (
             SELECT f.asset_id FROM face_search s
             JOIN asset_faces f ON f.id = s.face_id
             JOIN assets a ON a.id = f.asset_id
             WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND f.person_id IS NULL
               AND s.embedding <=> probe.embedding <= $3
               AND NOT EXISTS (SELECT 1 FROM face_rejections r WHERE r.face_id = f.id AND r.person_id = $2)
             ORDER BY s.embedding <=> probe.embedding
             LIMIT 64) near
         UNION
         (SELECT f.asset_id FROM asset_faces f JOIN people p ON p.id = f.person_id
          WHERE p.id = $2 AND p.owner_id = $1 AND p.thumbnail_path IS NULL LIMIT 1)"
    );
    let assets = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(person)
        .bind(max_distance as f64)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(assets)
}

/// The owner's other people with a face within `max_distance` of one of `person`'s faces,
/// nearest first, with that distance: clusters recognition made apart (each founded before the
/// other existed) or a user split, which may be one person.
pub async fn near_people(
    pool: &PgPool,
    owner: Uuid,
    person: Uuid,
    max_distance: f32,
    limit: i64,
) -> sqlx::Result<Vec<(Uuid, f64)>> {
    let mut tx = iterative_scan(pool).await?;
    let sql = format!(
        "SELECT near.person_id, min(near.distance) AS distance
         FROM {PERSON_PROBES}
         CROSS JOIN LATERAL (
             SELECT f.person_id, (s.embedding <=> probe.embedding)::float8 AS distance FROM face_search s
             JOIN asset_faces f ON f.id = s.face_id
             JOIN assets a ON a.id = f.asset_id
             WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND f.person_id IS NOT NULL AND f.person_id <> $2
               AND s.embedding <=> probe.embedding <= $3
             ORDER BY s.embedding <=> probe.embedding
             LIMIT 16) near
         GROUP BY near.person_id ORDER BY min(near.distance), near.person_id LIMIT $4"
    );
    let near = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(person)
        .bind(max_distance as f64)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(near)
}

/// A new person for `owner`, shown by `face`.
pub async fn create_person(conn: &mut PgConnection, owner: Uuid, face: Uuid) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO people (id, owner_id, face_id) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(owner)
        .bind(face)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

pub async fn assign(conn: &mut PgConnection, face: Uuid, person: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE asset_faces SET person_id = $2 WHERE id = $1")
        .bind(face)
        .bind(person)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE people SET updated_at = now() WHERE id = $1").bind(person).execute(&mut *conn).await?;
    Ok(())
}

/// Marks recognition done for an asset.
pub async fn mark_recognized(conn: &mut PgConnection, asset_id: Uuid) -> sqlx::Result<()> {
    crate::pipeline::mark_done(conn, asset_id, Queue::FacialRecognition).await
}

/// Whether the recognition step has already run for an asset.
pub async fn recognized(conn: &mut PgConnection, asset_id: Uuid) -> sqlx::Result<bool> {
    let done: Option<bool> =
        sqlx::query_scalar("SELECT facial_recognition_at IS NOT NULL FROM asset_job_status WHERE asset_id = $1")
            .bind(asset_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(done.unwrap_or(false))
}

/// Removes people left without faces: among `candidates` (who just lost faces), or everyone.
/// A person made by hand keeps existing until their faces are taken away.
pub async fn delete_empty_people(conn: &mut PgConnection, candidates: Option<&[Uuid]>) -> sqlx::Result<u64> {
    let result = sqlx::query(
        "DELETE FROM people p WHERE ($1::uuid[] IS NULL OR p.id = ANY($1))
             AND NOT EXISTS (SELECT 1 FROM asset_faces f WHERE f.person_id = p.id)",
    )
    .bind(candidates)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected())
}

/// Full re-clustering (Immich's `force`): every machine-made face loses its person, unless a user
/// confirmed it, people left without faces go, and every asset's recognition is due again.
pub async fn reset_recognition(pool: &PgPool) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE asset_faces SET person_id = NULL WHERE source_type = 'machine-learning' AND NOT confirmed")
        .execute(&mut *tx)
        .await?;
    delete_empty_people(&mut tx, None).await?;
    sqlx::query("UPDATE asset_job_status SET facial_recognition_at = NULL").execute(&mut *tx).await?;
    tx.commit().await
}

/// A face crop the worker still has to make: the person, and where their face is.
#[derive(Debug, Clone, FromRow)]
pub struct PendingThumbnail {
    pub person_id: Uuid,
    pub owner_id: Uuid,
    pub preview_path: String,
    pub image_width: i32,
    pub image_height: i32,
    pub bounding_box_x1: i32,
    pub bounding_box_y1: i32,
    pub bounding_box_x2: i32,
    pub bounding_box_y2: i32,
}

/// The owner's people whose thumbnail is missing. A person without a chosen face gets their
/// best-scoring face.
pub async fn pending_thumbnails(pool: &PgPool, owner: Uuid) -> sqlx::Result<Vec<PendingThumbnail>> {
    sqlx::query(
        "UPDATE people p SET face_id = (SELECT f.id FROM asset_faces f WHERE f.person_id = p.id
                                        ORDER BY f.score DESC LIMIT 1),
             thumbnail_path = NULL
         WHERE p.owner_id = $1 AND (p.face_id IS NULL
            OR NOT EXISTS (SELECT 1 FROM asset_faces f WHERE f.id = p.face_id AND f.person_id = p.id))",
    )
    .bind(owner)
    .execute(pool)
    .await?;
    sqlx::query_as(
        "SELECT p.id AS person_id, p.owner_id, pf.path AS preview_path, f.image_width, f.image_height,
                f.bounding_box_x1, f.bounding_box_y1, f.bounding_box_x2, f.bounding_box_y2
         FROM people p JOIN asset_faces f ON f.id = p.face_id
         JOIN asset_files pf ON pf.asset_id = f.asset_id AND pf.kind = 'preview'
         WHERE p.owner_id = $1 AND p.thumbnail_path IS NULL",
    )
    .bind(owner)
    .fetch_all(pool)
    .await
}

pub async fn set_thumbnail(pool: &PgPool, person: Uuid, path: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET thumbnail_path = $2, updated_at = now() WHERE id = $1")
        .bind(person)
        .bind(path)
        .execute(pool)
        .await?;
    Ok(())
}

/// Whether this asset's preview holds the face a person without a crop stands for (after a
/// restore, which brings names back but not the worker's files).
pub async fn stands_for_person_without_crop(pool: &PgPool, asset: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM people p JOIN asset_faces f ON f.id = p.face_id
                        WHERE f.asset_id = $1 AND p.thumbnail_path IS NULL)",
    )
    .bind(asset)
    .fetch_one(pool)
    .await
}
