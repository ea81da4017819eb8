//! Tags: a user's own labels for their own assets, in a tree (`Trips/2024/Rome` is three tags,
//! each the parent of the next). The closure table holds every ancestor of every tag, so "a tag's
//! photos" (its own and all its descendants') is one join. Every query is scoped to the owner:
//! another user's tag looks exactly like a missing one.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Tag {
    pub id: Uuid,
    pub owner_id: Uuid,
    /// The full path, parts joined by `/`.
    pub value: String,
    pub color: Option<String>,
    pub parent_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Tag {
    /// The last part of the path.
    pub fn name(&self) -> &str {
        self.value.rsplit('/').next().unwrap_or(&self.value)
    }
}

const COLUMNS: &str = "t.id, t.owner_id, t.value, t.color, t.parent_id, t.created_at, t.updated_at";

/// The owner's tags, sorted by path (so parents come before their children).
pub async fn list(pool: &PgPool, owner: Uuid) -> sqlx::Result<Vec<Tag>> {
    let sql = format!("SELECT {COLUMNS} FROM tags t WHERE t.owner_id = $1 ORDER BY t.value");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).fetch_all(pool).await
}

pub async fn get(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<Option<Tag>> {
    let sql = format!("SELECT {COLUMNS} FROM tags t WHERE t.owner_id = $1 AND t.id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(id).fetch_optional(pool).await
}

/// The parts of a path as Immich reads them: split at `/`, blanks dropped; parts are trimmed.
pub fn path_parts(path: &str) -> Vec<&str> {
    path.split('/').map(str::trim).filter(|part| !part.is_empty()).collect()
}

/// Makes sure the tag at `value` exists under `parent` (or at the top), with its closure rows.
async fn upsert_one(conn: &mut PgConnection, owner: Uuid, value: &str, parent: Option<&Tag>) -> sqlx::Result<Tag> {
    let sql = format!(
        "INSERT INTO tags AS t (owner_id, value, parent_id) VALUES ($1, $2, $3)
         ON CONFLICT (owner_id, value) DO UPDATE SET parent_id = EXCLUDED.parent_id
         RETURNING {COLUMNS}"
    );
    let tag: Tag = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(value)
        .bind(parent.map(|p| p.id))
        .fetch_one(&mut *conn)
        .await?;
    link_ancestors(conn, &tag).await?;
    Ok(tag)
}

/// Closure rows of a new tag: itself, and every ancestor of its parent.
async fn link_ancestors(conn: &mut PgConnection, tag: &Tag) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO tag_closure (ancestor_id, descendant_id)
         SELECT $1, $1
         UNION ALL SELECT ancestor_id, $1 FROM tag_closure WHERE descendant_id = $2
         ON CONFLICT DO NOTHING",
    )
    .bind(tag.id)
    .bind(tag.parent_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Makes sure every tag along `parts` exists, top first; returns the last one.
async fn upsert_path(
    conn: &mut PgConnection,
    owner: Uuid,
    mut parent: Option<Tag>,
    parts: &[&str],
) -> sqlx::Result<Option<Tag>> {
    for part in parts {
        let value = match &parent {
            Some(parent) => format!("{}/{part}", parent.value),
            None => (*part).to_owned(),
        };
        parent = Some(upsert_one(conn, owner, &value, parent.as_ref()).await?);
    }
    Ok(parent)
}

/// Immich's tag upsert: each path's tags are made where missing; returns the tag at the end of
/// each path (paths without any part are skipped), in request order without repeats.
pub async fn upsert(pool: &PgPool, owner: Uuid, paths: &[String]) -> sqlx::Result<Vec<Tag>> {
    let mut tx = pool.begin().await?;
    let mut tags: Vec<Tag> = Vec::new();
    for path in paths {
        if let Some(tag) = upsert_path(&mut tx, owner, None, &path_parts(path)).await?
            && !tags.iter().any(|known| known.id == tag.id)
        {
            tags.push(tag);
        }
    }
    tx.commit().await?;
    Ok(tags)
}

/// Why a tag could not be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateTagError {
    /// The owner has no such parent tag.
    ParentNotFound,
    /// The owner already has a tag with that path.
    Exists(String),
    /// The name has no part that is not blank.
    EmptyName,
}

/// A new tag `name` under `parent` (or at the top); a name with slashes makes the tags between.
pub async fn create(
    pool: &PgPool,
    owner: Uuid,
    parent: Option<Uuid>,
    name: &str,
    color: Option<&str>,
) -> sqlx::Result<Result<Tag, CreateTagError>> {
    let mut tx = pool.begin().await?;
    let parent = match parent {
        Some(id) => match get_in(&mut tx, owner, id).await? {
            Some(tag) => Some(tag),
            None => return Ok(Err(CreateTagError::ParentNotFound)),
        },
        None => None,
    };
    let parts = path_parts(name);
    let Some((last, between)) = parts.split_last() else {
        return Ok(Err(CreateTagError::EmptyName));
    };
    let parent = upsert_path(&mut tx, owner, parent, between).await?;
    let value = match &parent {
        Some(parent) => format!("{}/{last}", parent.value),
        None => (*last).to_owned(),
    };
    let sql = format!(
        "INSERT INTO tags AS t (owner_id, value, parent_id, color) VALUES ($1, $2, $3, $4)
         ON CONFLICT (owner_id, value) DO NOTHING RETURNING {COLUMNS}"
    );
    let created: Option<Tag> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(&value)
        .bind(parent.as_ref().map(|p| p.id))
        .bind(color)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(tag) = created else {
        return Ok(Err(CreateTagError::Exists(value)));
    };
    link_ancestors(&mut tx, &tag).await?;
    tx.commit().await?;
    Ok(Ok(tag))
}

async fn get_in(conn: &mut PgConnection, owner: Uuid, id: Uuid) -> sqlx::Result<Option<Tag>> {
    let sql = format!("SELECT {COLUMNS} FROM tags t WHERE t.owner_id = $1 AND t.id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(id).fetch_optional(&mut *conn).await
}

/// Sets or clears a tag's colour; `None` when the owner has no such tag.
pub async fn set_color(pool: &PgPool, owner: Uuid, id: Uuid, color: Option<&str>) -> sqlx::Result<Option<Tag>> {
    let sql = format!(
        "UPDATE tags t SET color = $3, updated_at = now() WHERE t.owner_id = $1 AND t.id = $2 RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(id).bind(color).fetch_optional(pool).await
}

/// Deletes a tag and, as in Immich, every tag below it; the photos stay. False when the owner
/// has no such tag.
pub async fn delete(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let result =
        sqlx::query("DELETE FROM tags WHERE owner_id = $1 AND id = $2").bind(owner).bind(id).execute(pool).await?;
    Ok(result.rows_affected() > 0)
}

/// What happened to one asset of a tag or untag request (Immich's `BulkIdErrorReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagOutcome {
    Done,
    /// Tagging an asset that already has the tag.
    Duplicate,
    /// Untagging an asset that does not have it.
    NotFound,
    /// Not one of the owner's assets (or no asset at all).
    NoPermission,
}

/// Tags the owner's assets; `None` when the owner has no such tag, else one outcome per id.
pub async fn tag_assets(pool: &PgPool, owner: Uuid, tag: Uuid, ids: &[Uuid]) -> sqlx::Result<Option<Vec<TagOutcome>>> {
    let mut tx = pool.begin().await?;
    if get_in(&mut tx, owner, tag).await?.is_none() {
        return Ok(None);
    }
    let owned = owned_assets(&mut tx, owner, ids).await?;
    let added: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO tag_assets (tag_id, asset_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING RETURNING asset_id",
    )
    .bind(tag)
    .bind(&owned)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(outcomes(ids, &owned, &added, TagOutcome::Duplicate)))
}

/// Takes the tag off the owner's assets; same answers as [`tag_assets`].
pub async fn untag_assets(
    pool: &PgPool,
    owner: Uuid,
    tag: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<Option<Vec<TagOutcome>>> {
    let mut tx = pool.begin().await?;
    if get_in(&mut tx, owner, tag).await?.is_none() {
        return Ok(None);
    }
    let owned = owned_assets(&mut tx, owner, ids).await?;
    let removed: Vec<Uuid> =
        sqlx::query_scalar("DELETE FROM tag_assets WHERE tag_id = $1 AND asset_id = ANY($2) RETURNING asset_id")
            .bind(tag)
            .bind(&owned)
            .fetch_all(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(Some(outcomes(ids, &owned, &removed, TagOutcome::NotFound)))
}

/// Puts every one of the owner's `tags` on every one of their `assets`; ids of others' tags or
/// assets are skipped, as in Immich. Returns how many tag–asset links are new.
pub async fn tag_assets_bulk(pool: &PgPool, owner: Uuid, tags: &[Uuid], assets: &[Uuid]) -> sqlx::Result<u64> {
    let result = sqlx::query(
        "INSERT INTO tag_assets (tag_id, asset_id)
         SELECT t.id, a.id FROM tags t CROSS JOIN assets a
         WHERE t.owner_id = $1 AND t.id = ANY($2) AND a.owner_id = $1 AND a.id = ANY($3)
         ON CONFLICT DO NOTHING",
    )
    .bind(owner)
    .bind(tags)
    .bind(assets)
    .execute(pool)
    .await?;
    Ok(result.rows_affected())
}

/// The user's tags on these assets, as (asset id, tag) pairs sorted by path.
pub async fn of_assets(pool: &PgPool, owner: Uuid, assets: &[Uuid]) -> sqlx::Result<Vec<(Uuid, Tag)>> {
    #[derive(FromRow)]
    struct Row {
        asset_id: Uuid,
        #[sqlx(flatten)]
        tag: Tag,
    }
    let sql = format!(
        "SELECT ta.asset_id, {COLUMNS} FROM tag_assets ta JOIN tags t ON t.id = ta.tag_id
         WHERE t.owner_id = $1 AND ta.asset_id = ANY($2) ORDER BY t.value"
    );
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).bind(assets).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|row| (row.asset_id, row.tag)).collect())
}

async fn owned_assets(conn: &mut PgConnection, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("SELECT id FROM assets WHERE owner_id = $1 AND id = ANY($2)")
        .bind(owner)
        .bind(ids)
        .fetch_all(&mut *conn)
        .await
}

fn outcomes(ids: &[Uuid], owned: &[Uuid], changed: &[Uuid], unchanged: TagOutcome) -> Vec<TagOutcome> {
    let mut seen = Vec::with_capacity(ids.len());
    ids.iter()
        .map(|id| {
            let outcome = if !owned.contains(id) {
                TagOutcome::NoPermission
            } else if changed.contains(id) && !seen.contains(id) {
                TagOutcome::Done
            } else {
                unchanged
            };
            seen.push(*id);
            outcome
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_at_slashes_without_blank_parts() {
        assert_eq!(path_parts("Trips/2024/Rome"), ["Trips", "2024", "Rome"]);
        assert_eq!(path_parts("/Trips//Rome / "), ["Trips", "Rome"]);
        assert!(path_parts(" / ").is_empty());
    }

    #[test]
    fn a_repeated_id_is_done_once_then_unchanged() {
        let [a, b, c] = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
        let got = outcomes(&[a, b, c, a], &[a, b], &[a], TagOutcome::Duplicate);
        assert_eq!(got, [TagOutcome::Done, TagOutcome::Duplicate, TagOutcome::NoPermission, TagOutcome::Duplicate]);
    }

    #[test]
    fn a_tags_name_is_the_last_part_of_its_path() {
        let tag = Tag {
            id: Uuid::nil(),
            owner_id: Uuid::nil(),
            value: "Trips/2024/Rome".into(),
            color: None,
            parent_id: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(tag.name(), "Rome");
    }
}
