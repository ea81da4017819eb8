//! People (clusters of faces) and faces as the API shows them. Every query is scoped to the
//! owner, so another user's person or face reads as missing.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Person {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub is_hidden: bool,
    pub is_favorite: bool,
    pub color: Option<String>,
    pub thumbnail_path: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Faces of the person on assets that are not in the trash or the locked folder.
    pub face_count: i64,
}

const PERSON: &str = "p.id, p.owner_id, p.name, p.birth_date, p.is_hidden, p.is_favorite, p.color, p.thumbnail_path,
    p.updated_at,
    (SELECT count(*) FROM asset_faces f JOIN assets a ON a.id = f.asset_id
     WHERE f.person_id = p.id AND a.deleted_at IS NULL AND a.visibility <> 'locked') AS face_count";

/// One page of the owner's people and the totals Immich reports beside it.
#[derive(Debug, Clone)]
pub struct PeoplePage {
    pub people: Vec<Person>,
    pub total: i64,
    pub hidden: i64,
    pub has_next_page: bool,
}

/// The owner's people with at least one face: favourites, then named ones, then by face count.
pub async fn list(pool: &PgPool, owner: Uuid, with_hidden: bool, page: i64, size: i64) -> sqlx::Result<PeoplePage> {
    let sql = format!(
        "SELECT * FROM (SELECT {PERSON} FROM people p WHERE p.owner_id = $1) people
         WHERE face_count > 0 AND ($2 OR NOT is_hidden)
         ORDER BY is_hidden, is_favorite DESC, name = '', face_count DESC, id
         LIMIT $3 OFFSET $4"
    );
    let mut people: Vec<Person> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(with_hidden)
        .bind(size + 1)
        .bind((page - 1) * size)
        .fetch_all(pool)
        .await?;
    let has_next_page = people.len() as i64 > size;
    people.truncate(size as usize);
    let (total, hidden): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE p.is_hidden) FROM people p
         WHERE p.owner_id = $1 AND EXISTS (SELECT 1 FROM asset_faces f JOIN assets a ON a.id = f.asset_id
                                           WHERE f.person_id = p.id AND a.deleted_at IS NULL
                                             AND a.visibility <> 'locked')",
    )
    .bind(owner)
    .fetch_one(pool)
    .await?;
    Ok(PeoplePage { people, total, hidden, has_next_page })
}

pub async fn get(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<Option<Person>> {
    let sql = format!("SELECT {PERSON} FROM people p WHERE p.owner_id = $1 AND p.id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(id).fetch_optional(pool).await
}

/// The owner's people whose name contains `name` (case-insensitive).
pub async fn search(pool: &PgPool, owner: Uuid, name: &str, with_hidden: bool) -> sqlx::Result<Vec<Person>> {
    let sql = format!(
        "SELECT {PERSON} FROM people p WHERE p.owner_id = $1 AND p.name <> '' AND p.name ILIKE '%' || $2 || '%'
             AND ($3 OR NOT p.is_hidden)
         ORDER BY p.name LIMIT 100"
    );
    let pattern = name.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(pattern).bind(with_hidden).fetch_all(pool).await
}

/// The owner's people with a face in `asset`, in the order their faces appear left to right.
pub async fn of_asset(pool: &PgPool, owner: Uuid, asset: Uuid) -> sqlx::Result<Vec<Person>> {
    let sql = format!(
        "SELECT {PERSON} FROM people p
         JOIN (SELECT person_id, min(bounding_box_x1) AS x FROM asset_faces
               WHERE asset_id = $2 AND person_id IS NOT NULL GROUP BY person_id) f ON f.person_id = p.id
         WHERE p.owner_id = $1
         ORDER BY f.x, p.id"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(asset).fetch_all(pool).await
}

/// What deleting people did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteOutcome {
    /// All were deleted; these face-crop thumbnails are now unused.
    Deleted { thumbnails: Vec<String> },
    /// Nothing was deleted: these ids are not the owner's people.
    NotFound(Vec<Uuid>),
}

/// Deletes the owner's people, all or none. Their faces stay, without a person, so a later
/// re-cluster may group them again.
pub async fn delete(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<DeleteOutcome> {
    let mut tx = pool.begin().await?;
    let deleted: Vec<(Uuid, Option<String>)> =
        sqlx::query_as("DELETE FROM people WHERE owner_id = $1 AND id = ANY($2) RETURNING id, thumbnail_path")
            .bind(owner)
            .bind(ids)
            .fetch_all(&mut *tx)
            .await?;
    let missing: Vec<Uuid> = ids.iter().filter(|id| !deleted.iter().any(|(gone, _)| gone == *id)).copied().collect();
    if !missing.is_empty() {
        tx.rollback().await?;
        return Ok(DeleteOutcome::NotFound(missing));
    }
    tx.commit().await?;
    Ok(DeleteOutcome::Deleted { thumbnails: deleted.into_iter().filter_map(|(_, thumbnail)| thumbnail).collect() })
}

/// Changes to a person; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct PersonUpdate {
    pub name: Option<String>,
    /// `Some(None)` clears the birth date.
    pub birth_date: Option<Option<NaiveDate>>,
    pub is_hidden: Option<bool>,
    pub is_favorite: Option<bool>,
    pub color: Option<String>,
    /// Show the person's face on this asset as their thumbnail.
    pub feature_face_asset_id: Option<Uuid>,
}

/// A person made by hand (no faces yet).
pub async fn create(pool: &PgPool, owner: Uuid, fields: &PersonUpdate) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO people (id, owner_id, name, birth_date, is_hidden, is_favorite, color)
         VALUES ($1, $2, COALESCE($3, ''), $4, COALESCE($5, false), COALESCE($6, false), $7)",
    )
    .bind(id)
    .bind(owner)
    .bind(&fields.name)
    .bind(fields.birth_date.flatten())
    .bind(fields.is_hidden)
    .bind(fields.is_favorite)
    .bind(&fields.color)
    .execute(pool)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateOutcome {
    Updated,
    NotFound,
    /// The feature asset shows no face of this person.
    NoFaceOnAsset,
}

pub async fn update(pool: &PgPool, owner: Uuid, id: Uuid, update: &PersonUpdate) -> sqlx::Result<UpdateOutcome> {
    let mut tx = pool.begin().await?;
    let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM people WHERE owner_id = $1 AND id = $2 FOR UPDATE")
        .bind(owner)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(UpdateOutcome::NotFound);
    }
    if let Some(asset) = update.feature_face_asset_id {
        let face: Option<Uuid> = sqlx::query_scalar(
            "SELECT f.id FROM asset_faces f JOIN assets a ON a.id = f.asset_id
             WHERE f.person_id = $1 AND a.id = $2 AND a.owner_id = $3 ORDER BY f.score DESC LIMIT 1",
        )
        .bind(id)
        .bind(asset)
        .bind(owner)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(face) = face else { return Ok(UpdateOutcome::NoFaceOnAsset) };
        // The worker makes the new crop; until then the thumbnail is missing.
        sqlx::query(
            "UPDATE people SET face_id = $2, thumbnail_path = NULL WHERE id = $1 AND face_id IS DISTINCT FROM $2",
        )
        .bind(id)
        .bind(face)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE people SET name = COALESCE($2, name),
             birth_date = CASE WHEN $3 THEN $4 ELSE birth_date END,
             is_hidden = COALESCE($5, is_hidden), is_favorite = COALESCE($6, is_favorite),
             color = COALESCE($7, color), updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(&update.name)
    .bind(update.birth_date.is_some())
    .bind(update.birth_date.flatten())
    .bind(update.is_hidden)
    .bind(update.is_favorite)
    .bind(&update.color)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(UpdateOutcome::Updated)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeOutcome {
    Merged,
    NotFound,
    /// A person cannot be merged into themselves.
    SamePerson,
}

/// Moves the faces of each of `sources` to `target` and deletes the emptied people. `None` when
/// the target is not the owner's.
pub async fn merge(
    pool: &PgPool,
    owner: Uuid,
    target: Uuid,
    sources: &[Uuid],
) -> sqlx::Result<Option<Vec<(Uuid, MergeOutcome)>>> {
    let mut tx = pool.begin().await?;
    let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM people WHERE owner_id = $1 AND id = $2 FOR UPDATE")
        .bind(owner)
        .bind(target)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let mut outcomes = Vec::with_capacity(sources.len());
    for &source in sources {
        if source == target {
            outcomes.push((source, MergeOutcome::SamePerson));
            continue;
        }
        let found: Option<Uuid> =
            sqlx::query_scalar("SELECT id FROM people WHERE owner_id = $1 AND id = $2 FOR UPDATE")
                .bind(owner)
                .bind(source)
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            outcomes.push((source, MergeOutcome::NotFound));
            continue;
        }
        // Faces first, so the delete's ON DELETE SET NULL does not orphan them.
        sqlx::query("UPDATE asset_faces SET person_id = $2 WHERE person_id = $1")
            .bind(source)
            .bind(target)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM people WHERE id = $1").bind(source).execute(&mut *tx).await?;
        let outcome = MergeOutcome::Merged;
        outcomes.push((source, outcome));
    }
    sqlx::query("UPDATE people SET updated_at = now() WHERE id = $1").bind(target).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Some(outcomes))
}

/// How many of the owner's assets (not in the trash or the locked folder) show the person.
pub async fn asset_count(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(DISTINCT a.id) FROM asset_faces f JOIN assets a ON a.id = f.asset_id
         JOIN people p ON p.id = f.person_id
         WHERE p.id = $2 AND p.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility <> 'locked'",
    )
    .bind(owner)
    .bind(id)
    .fetch_one(pool)
    .await
}

/// A face on one of the owner's assets, with its person if it has one.
#[derive(Debug, Clone, FromRow)]
pub struct Face {
    pub id: Uuid,
    pub asset_id: Uuid,
    pub person_id: Option<Uuid>,
    pub image_width: i32,
    pub image_height: i32,
    pub bounding_box_x1: i32,
    pub bounding_box_y1: i32,
    pub bounding_box_x2: i32,
    pub bounding_box_y2: i32,
    pub source_type: String,
}

/// The faces of the owner's asset, left to right; `None` when the asset is not theirs.
pub async fn faces_of_asset(pool: &PgPool, owner: Uuid, asset: Uuid) -> sqlx::Result<Option<Vec<Face>>> {
    let owned: Option<Uuid> = sqlx::query_scalar("SELECT id FROM assets WHERE owner_id = $1 AND id = $2")
        .bind(owner)
        .bind(asset)
        .fetch_optional(pool)
        .await?;
    if owned.is_none() {
        return Ok(None);
    }
    let faces = sqlx::query_as(
        "SELECT id, asset_id, person_id, image_width, image_height, bounding_box_x1, bounding_box_y1,
                bounding_box_x2, bounding_box_y2, source_type
         FROM asset_faces WHERE asset_id = $1 ORDER BY bounding_box_x1, id",
    )
    .bind(asset)
    .fetch_all(pool)
    .await?;
    Ok(Some(faces))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReassignOutcome {
    Reassigned,
    FaceNotFound,
    PersonNotFound,
}

/// Gives one of the owner's faces to one of the owner's people, as the user's own choice: the face
/// is confirmed, and the person it leaves is one it was rejected from. A person left without faces
/// is removed.
pub async fn reassign_face(pool: &PgPool, owner: Uuid, face: Uuid, person: Uuid) -> sqlx::Result<ReassignOutcome> {
    let mut tx = pool.begin().await?;
    let person_exists: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM people WHERE owner_id = $1 AND id = $2 FOR UPDATE")
            .bind(owner)
            .bind(person)
            .fetch_optional(&mut *tx)
            .await?;
    if person_exists.is_none() {
        return Ok(ReassignOutcome::PersonNotFound);
    }
    let previous = lock_face(&mut tx, owner, face).await?;
    let Some(previous) = previous else { return Ok(ReassignOutcome::FaceNotFound) };
    let emptied: Vec<Uuid> = previous.into_iter().filter(|p| *p != person).collect();
    for &from in &emptied {
        reject(&mut tx, face, from).await?;
    }
    // Given back by hand, a face is no longer rejected from that person.
    sqlx::query("DELETE FROM face_rejections WHERE face_id = $1 AND person_id = $2")
        .bind(face)
        .bind(person)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE asset_faces SET person_id = $2, confirmed = true WHERE id = $1")
        .bind(face)
        .bind(person)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE people SET updated_at = now() WHERE id = $1").bind(person).execute(&mut *tx).await?;
    crate::faces::delete_empty_people(&mut tx, Some(&emptied)).await?;
    tx.commit().await?;
    Ok(ReassignOutcome::Reassigned)
}

/// Moves the faces `from_person` has on each asset to `person` (Immich's `PUT /people/{id}/reassign`).
/// `None` when the person is not the owner's; otherwise the faces moved.
pub async fn reassign_faces(
    pool: &PgPool,
    owner: Uuid,
    person: Uuid,
    items: &[(Uuid, Uuid)],
) -> sqlx::Result<Option<u64>> {
    let mut moved = 0;
    for &(asset, from_person) in items {
        let faces: Vec<Uuid> = sqlx::query_scalar(
            "SELECT f.id FROM asset_faces f JOIN assets a ON a.id = f.asset_id
             WHERE a.owner_id = $1 AND f.asset_id = $2 AND f.person_id = $3",
        )
        .bind(owner)
        .bind(asset)
        .bind(from_person)
        .fetch_all(pool)
        .await?;
        for face in faces {
            match reassign_face(pool, owner, face, person).await? {
                ReassignOutcome::PersonNotFound => return Ok(None),
                ReassignOutcome::Reassigned => moved += 1,
                ReassignOutcome::FaceNotFound => {}
            }
        }
    }
    if moved == 0 && get(pool, owner, person).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(moved))
}

/// How a face is taken off the asset (Immich's `DELETE /faces/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceRemoval {
    /// "This is not that person": the face leaves its person for good and stays, unassigned.
    NotThisPerson,
    /// The face is deleted.
    Delete,
}

/// Takes one of the owner's faces away; `false` when it is not theirs. A person left without faces
/// is removed.
pub async fn remove_face(pool: &PgPool, owner: Uuid, face: Uuid, how: FaceRemoval) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let previous = lock_face(&mut tx, owner, face).await?;
    let Some(previous) = previous else { return Ok(false) };
    match how {
        FaceRemoval::NotThisPerson => {
            if let Some(person) = previous {
                reject(&mut tx, face, person).await?;
            }
            sqlx::query("UPDATE asset_faces SET person_id = NULL, confirmed = false WHERE id = $1")
                .bind(face)
                .execute(&mut *tx)
                .await?;
        }
        FaceRemoval::Delete => {
            sqlx::query("DELETE FROM asset_faces WHERE id = $1").bind(face).execute(&mut *tx).await?;
        }
    }
    let emptied: Vec<Uuid> = previous.into_iter().collect();
    crate::faces::delete_empty_people(&mut tx, Some(&emptied)).await?;
    tx.commit().await?;
    Ok(true)
}

/// Locks one of the owner's faces: `Some(its person)`, or `None` when the face is not theirs.
async fn lock_face(conn: &mut sqlx::PgConnection, owner: Uuid, face: Uuid) -> sqlx::Result<Option<Option<Uuid>>> {
    sqlx::query_scalar(
        "SELECT f.person_id FROM asset_faces f JOIN assets a ON a.id = f.asset_id
         WHERE a.owner_id = $1 AND f.id = $2 FOR UPDATE OF f",
    )
    .bind(owner)
    .bind(face)
    .fetch_optional(&mut *conn)
    .await
}

async fn reject(conn: &mut sqlx::PgConnection, face: Uuid, person: Uuid) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO face_rejections (face_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(face)
        .bind(person)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
