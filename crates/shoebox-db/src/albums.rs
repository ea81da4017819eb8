//! Albums: named sets of assets. An album belongs to its owner and may be shared with other
//! users as editors (who add and remove their own assets) or viewers; reads are scoped to the
//! owner and members, changes to the album itself to the owner.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

/// An album with the figures its list and detail views show.
#[derive(Debug, Clone, FromRow)]
pub struct Album {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub album_name: String,
    pub description: String,
    pub album_thumbnail_asset_id: Option<Uuid>,
    pub is_activity_enabled: bool,
    pub asset_order: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Only the assets the album shows (see [`IN_ALBUM_VIEW`]), as are the dates and the cover.
    pub asset_count: i64,
    /// Earliest and latest `local_date_time` of the album's assets.
    pub start_date: Option<DateTime<Utc>>,
    pub end_date: Option<DateTime<Utc>>,
    pub last_modified_asset_timestamp: Option<DateTime<Utc>>,
}

/// SQL true when asset `a` shows in an album's view to its owner and members alike: in the
/// timeline or the archive and not in the trash. Someone's hidden, locked or trashed photo stays
/// in the album but is not shown, counted, dated or used as its cover.
pub(crate) const IN_ALBUM_VIEW: &str = "(a.deleted_at IS NULL AND a.visibility IN ('timeline', 'archive'))";

static SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT al.id, al.owner_id, al.album_name, al.description,
            COALESCE(
                (SELECT a.id FROM assets a WHERE a.id = al.album_thumbnail_asset_id AND {IN_ALBUM_VIEW}),
                (SELECT a.id FROM album_assets aa JOIN assets a ON a.id = aa.asset_id
                 WHERE aa.album_id = al.id AND {IN_ALBUM_VIEW} ORDER BY aa.created_at, a.id LIMIT 1)
            ) AS album_thumbnail_asset_id,
            al.is_activity_enabled, al.asset_order, al.created_at, al.updated_at,
            COALESCE(st.asset_count, 0) AS asset_count, st.start_date, st.end_date, st.last_modified_asset_timestamp
        FROM albums al
        LEFT JOIN LATERAL (
            SELECT count(*) AS asset_count, min(a.local_date_time) AS start_date, max(a.local_date_time) AS end_date,
                   max(a.updated_at) AS last_modified_asset_timestamp
            FROM album_assets aa JOIN assets a ON a.id = aa.asset_id AND {IN_ALBUM_VIEW}
            WHERE aa.album_id = al.id
        ) st ON true"
    )
});

/// SQL true when user `$1` owns album `al` or is one of its members.
pub(crate) const CAN_SEE_ALBUM: &str =
    "(al.owner_id = $1 OR EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = al.id AND au.user_id = $1))";

/// Which albums the user sees to list.
#[derive(Debug, Clone, Default)]
pub struct AlbumFilter {
    /// Only albums holding this asset.
    pub asset_id: Option<Uuid>,
    /// Only albums with exactly this name.
    pub name: Option<String>,
    /// `Some(true)`: only the user's own albums; `Some(false)`: only others' shared with them.
    pub owned: Option<bool>,
    /// `Some(true)`: only albums with members; `Some(false)`: only albums without.
    pub shared: Option<bool>,
}

/// The albums the user owns or is a member of, newest first.
pub async fn list(pool: &PgPool, user: Uuid, filter: &AlbumFilter) -> sqlx::Result<Vec<Album>> {
    let sql = format!(
        "{select}
         WHERE {CAN_SEE_ALBUM}
           AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM album_assets x WHERE x.album_id = al.id AND x.asset_id = $2))
           AND ($3::text IS NULL OR al.album_name = $3)
           AND ($4::boolean IS NULL OR (al.owner_id = $1) = $4)
           AND ($5::boolean IS NULL OR EXISTS (SELECT 1 FROM album_users m WHERE m.album_id = al.id) = $5)
         ORDER BY al.created_at DESC, al.id",
        select = *SELECT
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(filter.asset_id)
        .bind(&filter.name)
        .bind(filter.owned)
        .bind(filter.shared)
        .fetch_all(pool)
        .await
}

/// An album the user owns or is a member of.
pub async fn get(pool: &PgPool, user: Uuid, id: Uuid) -> sqlx::Result<Option<Album>> {
    let sql = format!("{} WHERE {CAN_SEE_ALBUM} AND al.id = $2", *SELECT);
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user).bind(id).fetch_optional(pool).await
}

/// What a user may do with an album.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlbumRole {
    Owner,
    /// Adds and removes their own assets.
    Editor,
    /// Only looks.
    Viewer,
}

impl AlbumRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Editor => "editor",
            Self::Viewer => "viewer",
        }
    }

    /// A member's role as the API names it; the owner is not a member.
    pub fn member(name: &str) -> Option<Self> {
        match name {
            "editor" => Some(Self::Editor),
            "viewer" => Some(Self::Viewer),
            _ => None,
        }
    }
}

/// The user's role in the album, `None` when they cannot see it.
pub async fn role(pool: &PgPool, user: Uuid, album: Uuid) -> sqlx::Result<Option<AlbumRole>> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT CASE WHEN al.owner_id = $1 THEN 'owner' ELSE au.role END
         FROM albums al LEFT JOIN album_users au ON au.album_id = al.id AND au.user_id = $1
         WHERE al.id = $2 AND (al.owner_id = $1 OR au.user_id IS NOT NULL)",
    )
    .bind(user)
    .bind(album)
    .fetch_optional(pool)
    .await?;
    Ok(role.map(
        |role| if role == "owner" { AlbumRole::Owner } else { AlbumRole::member(&role).unwrap_or(AlbumRole::Viewer) },
    ))
}

/// A member of a shared album.
#[derive(Debug, Clone, FromRow)]
pub struct AlbumMember {
    pub album_id: Uuid,
    pub user_id: Uuid,
    pub role: String,
}

/// The members of these albums, oldest membership first.
pub async fn members(pool: &PgPool, albums: &[Uuid]) -> sqlx::Result<Vec<AlbumMember>> {
    sqlx::query_as(
        "SELECT album_id, user_id, role FROM album_users WHERE album_id = ANY($1) ORDER BY created_at, user_id",
    )
    .bind(albums)
    .fetch_all(pool)
    .await
}

/// Why members could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddMembersError {
    /// The owner has no such album.
    AlbumNotFound,
    /// No such (active) user.
    UserNotFound(Uuid),
    /// The owner cannot be a member of their own album.
    Owner,
    AlreadyMember(Uuid),
}

/// Shares the owner's album with users, all or none.
pub async fn add_members(
    pool: &PgPool,
    owner: Uuid,
    album: Uuid,
    members: &[(Uuid, AlbumRole)],
) -> sqlx::Result<Result<(), AddMembersError>> {
    let mut tx = pool.begin().await?;
    if !lock_album(&mut tx, owner, album).await? {
        return Ok(Err(AddMembersError::AlbumNotFound));
    }
    for (user, role) in members {
        if *user == owner {
            return Ok(Err(AddMembersError::Owner));
        }
        let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Ok(Err(AddMembersError::UserNotFound(*user)));
        }
        let added =
            sqlx::query("INSERT INTO album_users (album_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(album)
                .bind(user)
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
        if added.rows_affected() == 0 {
            return Ok(Err(AddMembersError::AlreadyMember(*user)));
        }
    }
    sqlx::query("UPDATE albums SET updated_at = now() WHERE id = $1").bind(album).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Changes a member's role; false when the owner has no such album or it has no such member.
pub async fn set_member_role(
    pool: &PgPool,
    owner: Uuid,
    album: Uuid,
    user: Uuid,
    role: AlbumRole,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE album_users au SET role = $4 FROM albums al
         WHERE al.id = au.album_id AND al.owner_id = $1 AND au.album_id = $2 AND au.user_id = $3",
    )
    .bind(owner)
    .bind(album)
    .bind(user)
    .bind(role.as_str())
    .execute(pool)
    .await?;
    Ok(result.rows_affected() > 0)
}

/// Removes a member: the owner may remove anyone, a member only themselves (leaving). The
/// assets they added stay in the album. False when there was no such membership to end.
pub async fn remove_member(pool: &PgPool, by: Uuid, album: Uuid, user: Uuid) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "DELETE FROM album_users au USING albums al
         WHERE al.id = au.album_id AND au.album_id = $2 AND au.user_id = $3 AND (al.owner_id = $1 OR au.user_id = $1)",
    )
    .bind(by)
    .bind(album)
    .bind(user)
    .execute(pool)
    .await?;
    Ok(result.rows_affected() > 0)
}

#[derive(Debug, Clone)]
pub struct NewAlbum {
    pub owner_id: Uuid,
    pub album_name: String,
    pub description: String,
}

/// Creates an album holding those of `asset_ids` the owner has; returns its id.
pub async fn create(pool: &PgPool, new: &NewAlbum, asset_ids: &[Uuid]) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO albums (id, owner_id, album_name, description) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(new.owner_id)
        .bind(&new.album_name)
        .bind(&new.description)
        .execute(&mut *tx)
        .await?;
    add_assets_in(&mut tx, new.owner_id, id, asset_ids).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes to an album; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct AlbumUpdate {
    pub album_name: Option<String>,
    pub description: Option<String>,
    pub album_thumbnail_asset_id: Option<Uuid>,
    pub is_activity_enabled: Option<bool>,
    pub asset_order: Option<String>,
}

/// Returns false when the owner has no such album.
pub async fn update(pool: &PgPool, owner: Uuid, id: Uuid, update: &AlbumUpdate) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE albums SET album_name = COALESCE($3, album_name), description = COALESCE($4, description),
             album_thumbnail_asset_id = COALESCE($5, album_thumbnail_asset_id),
             is_activity_enabled = COALESCE($6, is_activity_enabled), asset_order = COALESCE($7, asset_order),
             updated_at = now()
         WHERE owner_id = $1 AND id = $2",
    )
    .bind(owner)
    .bind(id)
    .bind(&update.album_name)
    .bind(&update.description)
    .bind(update.album_thumbnail_asset_id)
    .bind(update.is_activity_enabled)
    .bind(&update.asset_order)
    .execute(pool)
    .await?;
    Ok(result.rows_affected() > 0)
}

pub async fn delete(pool: &PgPool, owner: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let result =
        sqlx::query("DELETE FROM albums WHERE owner_id = $1 AND id = $2").bind(owner).bind(id).execute(pool).await?;
    Ok(result.rows_affected() > 0)
}

/// What happened to one id of a bulk album change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkOutcome {
    Done,
    /// Adding an asset already in the album, or removing one that is not.
    Duplicate,
    /// Not one of the owner's assets.
    NotFound,
}

/// Adds the user's own assets to an album they own or edit. Returns `None` when they may not
/// add to it, else one outcome per id in order.
pub async fn add_assets(
    pool: &PgPool,
    user: Uuid,
    album: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<Option<Vec<BulkOutcome>>> {
    let mut tx = pool.begin().await?;
    if !lock_album_to_edit(&mut tx, user, album).await? {
        return Ok(None);
    }
    let outcomes = add_assets_in(&mut tx, user, album, ids).await?;
    tx.commit().await?;
    Ok(Some(outcomes))
}

async fn add_assets_in(
    tx: &mut sqlx::PgConnection,
    owner: Uuid,
    album: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<Vec<BulkOutcome>> {
    let owned = owned_assets(&mut *tx, owner, ids).await?;
    let added: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO album_assets (album_id, asset_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING RETURNING asset_id",
    )
    .bind(album)
    .bind(&owned)
    .fetch_all(&mut *tx)
    .await?;
    // The first asset added, in the request's order, becomes the cover, as in Immich (neither
    // the ownership query nor RETURNING promises an order).
    if let Some(first) = ids.iter().find(|id| added.contains(id)) {
        sqlx::query(
            "UPDATE albums SET updated_at = now(),
                 album_thumbnail_asset_id = COALESCE(album_thumbnail_asset_id, $2)
             WHERE id = $1",
        )
        .bind(album)
        .bind(first)
        .execute(&mut *tx)
        .await?;
    }
    Ok(outcomes(ids, &owned, &added))
}

/// Removes assets from the album: its owner removes any, an editor only their own. Same
/// results as [`add_assets`].
pub async fn remove_assets(
    pool: &PgPool,
    user: Uuid,
    album: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<Option<Vec<BulkOutcome>>> {
    let mut tx = pool.begin().await?;
    if !lock_album_to_edit(&mut tx, user, album).await? {
        return Ok(None);
    }
    let owned: Vec<Uuid> = sqlx::query_scalar(
        "SELECT a.id FROM assets a JOIN albums al ON al.id = $3
         WHERE a.id = ANY($2) AND (a.owner_id = $1 OR al.owner_id = $1)",
    )
    .bind(user)
    .bind(ids)
    .bind(album)
    .fetch_all(&mut *tx)
    .await?;
    let removed: Vec<Uuid> =
        sqlx::query_scalar("DELETE FROM album_assets WHERE album_id = $1 AND asset_id = ANY($2) RETURNING asset_id")
            .bind(album)
            .bind(&owned)
            .fetch_all(&mut *tx)
            .await?;
    if !removed.is_empty() {
        // A removed cover gives way to another asset of the album, if any.
        sqlx::query(
            "UPDATE albums SET updated_at = now(),
                 album_thumbnail_asset_id = CASE WHEN album_thumbnail_asset_id = ANY($2)
                     THEN (SELECT asset_id FROM album_assets WHERE album_id = $1 ORDER BY created_at, asset_id LIMIT 1)
                     ELSE album_thumbnail_asset_id END
             WHERE id = $1",
        )
        .bind(album)
        .bind(&removed)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Some(outcomes(ids, &owned, &removed)))
}

/// Locks the owner's album row for the transaction, so concurrent changes to its assets resolve
/// one by one; `false` when the owner has no such album.
async fn lock_album(tx: &mut sqlx::PgConnection, owner: Uuid, album: Uuid) -> sqlx::Result<bool> {
    let found: Option<Uuid> = sqlx::query_scalar("SELECT id FROM albums WHERE owner_id = $1 AND id = $2 FOR UPDATE")
        .bind(owner)
        .bind(album)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(found.is_some())
}

/// Like [`lock_album`], for the owner or an editor.
async fn lock_album_to_edit(tx: &mut sqlx::PgConnection, user: Uuid, album: Uuid) -> sqlx::Result<bool> {
    let found: Option<Uuid> = sqlx::query_scalar(
        "SELECT al.id FROM albums al WHERE al.id = $2 AND (al.owner_id = $1 OR EXISTS
             (SELECT 1 FROM album_users au WHERE au.album_id = al.id AND au.user_id = $1 AND au.role = 'editor'))
         FOR UPDATE",
    )
    .bind(user)
    .bind(album)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(found.is_some())
}

/// Those of `ids` that are the owner's assets and may go in an album (locked ones never do).
async fn owned_assets(tx: &mut sqlx::PgConnection, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("SELECT id FROM assets WHERE owner_id = $1 AND id = ANY($2) AND visibility <> 'locked'")
        .bind(owner)
        .bind(ids)
        .fetch_all(&mut *tx)
        .await
}

fn outcomes(ids: &[Uuid], owned: &[Uuid], changed: &[Uuid]) -> Vec<BulkOutcome> {
    ids.iter()
        .map(|id| {
            if !owned.contains(id) {
                BulkOutcome::NotFound
            } else if changed.contains(id) {
                BulkOutcome::Done
            } else {
                BulkOutcome::Duplicate
            }
        })
        .collect()
}

/// Immich's album statistics: albums the user owns, albums shared (theirs with members or
/// others' with them), and their own albums not shared.
pub async fn statistics(pool: &PgPool, user: Uuid) -> sqlx::Result<(i64, i64, i64)> {
    let sql = format!(
        "SELECT count(*) FILTER (WHERE al.owner_id = $1),
                count(*) FILTER (WHERE shared),
                count(*) FILTER (WHERE al.owner_id = $1 AND NOT shared)
         FROM (SELECT al.*, EXISTS (SELECT 1 FROM album_users m WHERE m.album_id = al.id) AS shared
               FROM albums al WHERE {CAN_SEE_ALBUM}) al"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user).fetch_one(pool).await
}

/// The owner's album of that name, if they have one (the oldest, if several).
pub async fn find_owned_by_name(pool: &PgPool, owner: Uuid, name: &str) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar("SELECT id FROM albums WHERE owner_id = $1 AND album_name = $2 ORDER BY created_at LIMIT 1")
        .bind(owner)
        .bind(name)
        .fetch_optional(pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_outcomes_follow_the_request_order() {
        let [a, b, c] = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
        let got = outcomes(&[a, b, c, a], &[a, b], &[a]);
        // `a` appears twice: both report Done, since the row exists after the call.
        assert_eq!(got, vec![BulkOutcome::Done, BulkOutcome::Duplicate, BulkOutcome::NotFound, BulkOutcome::Done]);
    }
}

