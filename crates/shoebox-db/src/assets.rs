//! Photos and videos, their derived files, and the timeline queries over them.

use crate::albums::CAN_SEE_ALBUM;
use chrono::{DateTime, NaiveDate, Utc};
use shoebox_core::domain::{AssetFileKind, AssetType, Visibility};
use sqlx::{FromRow, PgConnection, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Asset {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub library_id: Option<Uuid>,
    pub checksum: Vec<u8>,
    #[sqlx(rename = "type")]
    pub asset_type: String,
    pub original_path: String,
    pub original_file_name: String,
    pub original_mime_type: String,
    pub file_size_bytes: i64,
    pub file_created_at: DateTime<Utc>,
    pub file_modified_at: DateTime<Utc>,
    pub local_date_time: DateTime<Utc>,
    pub visibility: String,
    pub is_favorite: bool,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_ms: Option<i64>,
    pub thumbhash: Option<Vec<u8>>,
    pub live_photo_video_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// Group of near-duplicates the asset belongs to.
    pub duplicate_id: Option<Uuid>,
    /// Whether the metadata step has run.
    pub has_metadata: bool,
    /// The stack the asset is in, if any.
    pub stack_id: Option<Uuid>,
    /// An external library's file that went away: the asset waits in the trash for it.
    pub is_offline: bool,
}

impl Asset {
    pub fn kind(&self) -> AssetType {
        AssetType::parse(&self.asset_type).unwrap_or(AssetType::Image)
    }

    pub fn visibility(&self) -> Visibility {
        Visibility::parse(&self.visibility).unwrap_or(Visibility::Timeline)
    }
}

pub(crate) const COLUMNS: &str = "a.id, a.owner_id, a.library_id, a.checksum, a.type, a.original_path, a.original_file_name, \
    a.original_mime_type, a.file_size_bytes, a.file_created_at, a.file_modified_at, a.local_date_time, a.visibility, \
    a.is_favorite, a.width, a.height, a.duration_ms, a.thumbhash, a.live_photo_video_id, a.created_at, a.updated_at, \
    a.deleted_at, a.duplicate_id, (s.metadata_extracted_at IS NOT NULL) AS has_metadata, a.stack_id, a.is_offline";
pub(crate) const FROM: &str = "assets a LEFT JOIN asset_job_status s ON s.asset_id = a.id";

#[derive(Debug, Clone)]
pub struct NewAsset {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub checksum: Vec<u8>,
    pub asset_type: AssetType,
    pub original_path: String,
    pub original_file_name: String,
    pub original_mime_type: String,
    pub file_size_bytes: i64,
    pub file_created_at: DateTime<Utc>,
    pub file_modified_at: DateTime<Utc>,
    pub visibility: Visibility,
    pub is_favorite: bool,
    pub duration_ms: Option<i64>,
    pub device_asset_id: Option<String>,
    pub device_id: Option<String>,
    pub live_photo_video_id: Option<Uuid>,
}

#[derive(Debug)]
pub enum InsertOutcome {
    Created,
    /// The owner already has these bytes, as asset `id`.
    Duplicate {
        id: Uuid,
    },
    /// The owner deleted these bytes for good, as asset `id`, and wants them to stay deleted.
    Deleted {
        id: Uuid,
    },
}

/// SQL true when user `$1` wants what they deleted for good refused when uploaded again (the
/// Shoebox preference `deletedStaysDeleted.enabled`, on unless turned off).
const DELETED_STAYS_DELETED: &str = "COALESCE((SELECT (p.preferences -> 'deletedStaysDeleted' ->> 'enabled')::boolean
    FROM user_preferences p WHERE p.user_id = $1), true)";

/// Inserts an uploaded asset unless its owner already has the same checksum. Runs on the
/// caller's transaction so the caller can place the file between insert and commit; a racing
/// upload of the same bytes waits on this row's lock and then sees the duplicate.
pub async fn insert(conn: &mut PgConnection, new: &NewAsset) -> sqlx::Result<InsertOutcome> {
    let deleted: Option<Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT asset_id FROM deleted_checksums WHERE owner_id = $1 AND checksum = $2 AND {DELETED_STAYS_DELETED}"
    )))
    .bind(new.owner_id)
    .bind(&new.checksum)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = deleted {
        return Ok(InsertOutcome::Deleted { id });
    }
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO assets (id, owner_id, checksum, type, original_path, original_file_name, original_mime_type,
             file_size_bytes, file_created_at, file_modified_at, local_date_time, visibility, is_favorite,
             duration_ms, device_asset_id, device_id, live_photo_video_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (owner_id, checksum) WHERE library_id IS NULL DO NOTHING
         RETURNING id",
    )
    .bind(new.id)
    .bind(new.owner_id)
    .bind(&new.checksum)
    .bind(new.asset_type.as_str())
    .bind(&new.original_path)
    .bind(&new.original_file_name)
    .bind(&new.original_mime_type)
    .bind(new.file_size_bytes)
    .bind(new.file_created_at)
    .bind(new.file_modified_at)
    .bind(new.visibility.as_str())
    .bind(new.is_favorite)
    .bind(new.duration_ms)
    .bind(&new.device_asset_id)
    .bind(&new.device_id)
    .bind(new.live_photo_video_id)
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_some() {
        sqlx::query("INSERT INTO asset_job_status (asset_id) VALUES ($1)").bind(new.id).execute(&mut *conn).await?;
        return Ok(InsertOutcome::Created);
    }
    let existing: Uuid =
        sqlx::query_scalar("SELECT id FROM assets WHERE owner_id = $1 AND checksum = $2 AND library_id IS NULL")
            .bind(new.owner_id)
            .bind(&new.checksum)
            .fetch_one(&mut *conn)
            .await?;
    Ok(InsertOutcome::Duplicate { id: existing })
}

/// An asset the owner already has with these bytes.
#[derive(Debug, Clone, FromRow)]
pub struct ChecksumMatch {
    pub checksum: Vec<u8>,
    pub id: Uuid,
    pub is_trashed: bool,
    /// Deleted for good, and refused again: `id` is the id the asset had.
    pub is_deleted: bool,
}

/// The owner's assets with these checksums, and what they deleted for good and want to stay
/// deleted.
pub async fn find_by_checksums(pool: &PgPool, owner: Uuid, checksums: &[Vec<u8>]) -> sqlx::Result<Vec<ChecksumMatch>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT checksum, id, deleted_at IS NOT NULL AS is_trashed, false AS is_deleted FROM assets
         WHERE owner_id = $1 AND library_id IS NULL AND checksum = ANY($2)
         UNION ALL
         SELECT checksum, asset_id, false, true FROM deleted_checksums
         WHERE owner_id = $1 AND checksum = ANY($2) AND {DELETED_STAYS_DELETED}"
    )))
    .bind(owner)
    .bind(checksums)
    .fetch_all(pool)
    .await
}

/// SQL true when user `$1` may see asset `a`: theirs (their locked folder only when `unlocked`),
/// in the timeline of a partner who shares with them, or in an album they own or are a member of
/// (never someone else's hidden, locked or trashed photo).
pub(crate) fn can_see_asset(unlocked: bool) -> String {
    format!(
        "((a.owner_id = $1 AND ({unlocked} OR a.visibility <> 'locked'))
    OR (a.visibility = 'timeline' AND a.deleted_at IS NULL AND EXISTS (
        SELECT 1 FROM partners p WHERE p.shared_by_id = a.owner_id AND p.shared_with_id = $1))
    OR (a.visibility IN ('timeline', 'archive') AND a.deleted_at IS NULL AND EXISTS (
    SELECT 1 FROM album_assets x JOIN albums al ON al.id = x.album_id
    WHERE x.asset_id = a.id AND (al.owner_id = $1
        OR EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = al.id AND au.user_id = $1)))))"
    )
}

/// An asset the user may see (see [`can_see_asset`]); changing it stays with its owner.
pub async fn get(pool: &PgPool, viewer: Uuid, unlocked: bool, id: Uuid) -> sqlx::Result<Option<Asset>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE a.id = $2 AND {}", can_see_asset(unlocked));
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(viewer).bind(id).fetch_optional(pool).await
}

/// Storage key of one derived file of an asset the user may see, if the worker has made it, and
/// when it was last written.
pub async fn file_path(
    pool: &PgPool,
    viewer: Uuid,
    unlocked: bool,
    id: Uuid,
    kind: AssetFileKind,
) -> sqlx::Result<Option<(String, DateTime<Utc>)>> {
    let sql = format!(
        "SELECT f.path, f.updated_at FROM asset_files f JOIN assets a ON a.id = f.asset_id
         WHERE a.id = $2 AND f.kind = $3 AND {}",
        can_see_asset(unlocked)
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(viewer).bind(id).bind(kind.as_str()).fetch_optional(pool).await
}

/// Records a derived file (replacing an older one of the same kind).
pub async fn upsert_file<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    asset_id: Uuid,
    kind: AssetFileKind,
    path: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO asset_files (asset_id, kind, path) VALUES ($1, $2, $3)
         ON CONFLICT (asset_id, kind) DO UPDATE SET path = EXCLUDED.path, updated_at = now()",
    )
    .bind(asset_id)
    .bind(kind.as_str())
    .bind(path)
    .execute(executor)
    .await?;
    Ok(())
}

/// Changes to one or many assets; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct AssetUpdate {
    pub is_favorite: Option<bool>,
    pub visibility: Option<Visibility>,
}

/// Those of `ids` that are not the owner's assets (missing, purged, or someone else's).
pub async fn not_owned(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "SELECT id FROM unnest($2::uuid[]) AS wanted(id)
         WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = wanted.id AND a.owner_id = $1)",
    )
    .bind(owner)
    .bind(ids)
    .fetch_all(pool)
    .await
}

/// Whether a still may be paired with a motion video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveVideoCheck {
    Linkable,
    NotFound,
    NotAVideo,
}

/// Readies the owner's `video` to be a still's motion part, as Immich does before linking: it
/// must be their video, and it leaves the timeline and every album (the still stands for it).
pub async fn prepare_live_photo_video(pool: &PgPool, owner: Uuid, video: Uuid) -> sqlx::Result<LiveVideoCheck> {
    let found: Option<String> = sqlx::query_scalar("SELECT type FROM assets WHERE owner_id = $1 AND id = $2")
        .bind(owner)
        .bind(video)
        .fetch_optional(pool)
        .await?;
    match found.as_deref() {
        None => return Ok(LiveVideoCheck::NotFound),
        Some(kind) if kind != AssetType::Video.as_str() => return Ok(LiveVideoCheck::NotAVideo),
        Some(_) => {}
    }
    update(pool, owner, &[video], &AssetUpdate { visibility: Some(Visibility::Hidden), ..AssetUpdate::default() })
        .await?;
    Ok(LiveVideoCheck::Linkable)
}

/// Pairs the owner's still `id` with motion video `video` (checked by
/// [`prepare_live_photo_video`]), or unpairs it with `None`: the video it had then shows in the
/// timeline on its own again. False when the still is not the owner's.
pub async fn set_live_photo_video(pool: &PgPool, owner: Uuid, id: Uuid, video: Option<Uuid>) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let previous: Option<Option<Uuid>> =
        sqlx::query_scalar("SELECT live_photo_video_id FROM assets WHERE owner_id = $1 AND id = $2 FOR UPDATE")
            .bind(owner)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(previous) = previous else {
        return Ok(false);
    };
    sqlx::query("UPDATE assets SET live_photo_video_id = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(video)
        .execute(&mut *tx)
        .await?;
    if let Some(old) = previous.filter(|old| Some(*old) != video) {
        sqlx::query(
            "UPDATE assets SET visibility = 'timeline', updated_at = now()
             WHERE id = $1 AND owner_id = $2 AND visibility = 'hidden'",
        )
        .bind(old)
        .bind(owner)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Those of `ids` that are the owner's locked-folder assets.
pub async fn locked_among(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("SELECT id FROM assets WHERE owner_id = $1 AND id = ANY($2) AND visibility = 'locked'")
        .bind(owner)
        .bind(ids)
        .fetch_all(pool)
        .await
}

/// Applies `update` to the owner's assets among `ids`; returns how many changed. Assets moved to
/// the locked folder leave every album, as in Immich: nobody else may see them any more.
pub async fn update(pool: &PgPool, owner: Uuid, ids: &[Uuid], update: &AssetUpdate) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let result = sqlx::query(
        "UPDATE assets SET is_favorite = COALESCE($3, is_favorite), visibility = COALESCE($4, visibility),
             updated_at = now()
         WHERE owner_id = $1 AND id = ANY($2)",
    )
    .bind(owner)
    .bind(ids)
    .bind(update.is_favorite)
    .bind(update.visibility.map(Visibility::as_str))
    .execute(&mut *tx)
    .await?;
    if update.visibility == Some(Visibility::Locked) {
        let albums: Vec<Uuid> = sqlx::query_scalar(
            "DELETE FROM album_assets aa USING assets a
             WHERE a.id = aa.asset_id AND a.owner_id = $1 AND a.id = ANY($2) RETURNING aa.album_id",
        )
        .bind(owner)
        .bind(ids)
        .fetch_all(&mut *tx)
        .await?;
        // An album whose cover left picks none; its list and sync see that it changed.
        sqlx::query(
            "UPDATE albums SET updated_at = now(),
                 album_thumbnail_asset_id = CASE WHEN album_thumbnail_asset_id = ANY($2) THEN NULL
                                                 ELSE album_thumbnail_asset_id END
             WHERE id = ANY($1)",
        )
        .bind(&albums)
        .bind(ids)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(result.rows_affected())
}

/// Moves the owner's assets among `ids` to the trash; returns the ids of those that moved.
pub async fn trash(pool: &PgPool, owner: Uuid, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "UPDATE assets SET deleted_at = now(), updated_at = now()
         WHERE owner_id = $1 AND id = ANY($2) AND deleted_at IS NULL
         RETURNING id",
    )
    .bind(owner)
    .bind(ids)
    .fetch_all(pool)
    .await
}

/// Takes assets out of the trash: those among `ids`, or all of them when `ids` is `None`;
/// returns the ids of those restored. Offline assets stay: they come back with their files.
pub async fn restore(pool: &PgPool, owner: Uuid, ids: Option<&[Uuid]>) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "UPDATE assets SET deleted_at = NULL, updated_at = now()
         WHERE owner_id = $1 AND deleted_at IS NOT NULL AND NOT is_offline AND ($2::uuid[] IS NULL OR id = ANY($2))
         RETURNING id",
    )
    .bind(owner)
    .bind(ids)
    .fetch_all(pool)
    .await
}

/// Which assets to remove for good.
#[derive(Debug, Clone, Copy)]
pub enum Purge<'a> {
    /// Everything in the owner's trash, but offline assets (Immich's empty leaves them too: they
    /// wait there for their files).
    Trash,
    /// These ids, trashed or not.
    Ids(&'a [Uuid]),
}

/// Deletes assets' rows for good and returns their ids and the storage keys of every file they
/// had, for the caller to remove once the rows are gone.
pub async fn purge(pool: &PgPool, owner: Uuid, which: Purge<'_>) -> sqlx::Result<(Vec<Uuid>, Vec<String>)> {
    let mut tx = pool.begin().await?;
    let (trash_only, ids) = match which {
        Purge::Trash => (true, None),
        Purge::Ids(ids) => (false, Some(ids)),
    };
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM assets WHERE owner_id = $1 AND (NOT $2 OR (deleted_at IS NOT NULL AND NOT is_offline))
             AND ($3::uuid[] IS NULL OR id = ANY($3))
         FOR UPDATE",
    )
    .bind(owner)
    .bind(trash_only)
    .bind(ids)
    .fetch_all(&mut *tx)
    .await?;
    let paths: Vec<String> = sqlx::query_scalar(
        "SELECT original_path FROM assets WHERE id = ANY($1)
         UNION ALL SELECT path FROM asset_files WHERE asset_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    // Remembered whatever the preference says now, so turning it on later covers past deletions.
    sqlx::query(
        "INSERT INTO deleted_checksums (owner_id, checksum, asset_id)
         SELECT owner_id, checksum, id FROM assets WHERE id = ANY($1) AND library_id IS NULL
         ON CONFLICT (owner_id, checksum) DO UPDATE SET asset_id = EXCLUDED.asset_id, deleted_at = now()",
    )
    .bind(&ids)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM assets WHERE id = ANY($1)").bind(&ids).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok((ids, paths))
}

/// Which of the owner's assets a timeline shows.
#[derive(Debug, Clone, Default)]
pub struct TimelineFilter {
    /// `None`: the timeline and the archive, never hidden or locked assets.
    pub visibility: Option<Visibility>,
    pub is_favorite: Option<bool>,
    /// Trash view instead of the library.
    pub is_trashed: bool,
    pub album_id: Option<Uuid>,
    /// Only assets showing this person.
    pub person_id: Option<Uuid>,
    /// Only assets with this tag of the user's or one below it.
    pub tag_id: Option<Uuid>,
    /// Another user's timeline instead of one's own: allowed when they share it as a partner.
    pub user_id: Option<Uuid>,
    /// Also the timelines of partners the user shows in their own.
    pub with_partners: bool,
    /// Oldest first instead of newest first.
    pub ascending: bool,
    /// Of each stack only its primary asset (Immich's `withStacked`).
    pub with_stacked: bool,
}

/// Whose assets: the owners in `$7` (see [`timeline_owners`]); of anyone but the user `$1`, only
/// what is in their timeline (and, in album `$5`, their archive), never trashed. A plain `owner_id = ANY`
/// keeps the `assets_timeline_covering` index usable, which OR-ed access rules would not.
const FILTER: &str = "a.owner_id = ANY($7::uuid[])
    AND (a.owner_id = $1 OR (a.deleted_at IS NULL
        AND (a.visibility = 'timeline' OR ($5::uuid IS NOT NULL AND a.visibility = 'archive'))))
    AND (($2::text IS NULL AND a.visibility IN ('timeline', 'archive')) OR a.visibility = $2)
    AND ($3::boolean IS NULL OR a.is_favorite = $3)
    AND ((a.deleted_at IS NOT NULL) = $4)
    AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM album_assets aa WHERE aa.album_id = $5 AND aa.asset_id = a.id))
    AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM asset_faces f WHERE f.person_id = $6 AND f.asset_id = a.id))
    AND ($8::uuid IS NULL OR EXISTS (SELECT 1 FROM tag_assets ta
        JOIN tag_closure tc ON tc.descendant_id = ta.tag_id JOIN tags t ON t.id = tc.ancestor_id
        WHERE ta.asset_id = a.id AND tc.ancestor_id = $8 AND t.owner_id = $1))
    AND (NOT $9 OR a.stack_id IS NULL
        OR EXISTS (SELECT 1 FROM stacks st WHERE st.id = a.stack_id AND st.primary_asset_id = a.id))";

/// A month of the timeline: its first day (`YYYY-MM-01`) and how many assets it holds.
#[derive(Debug, Clone, FromRow)]
pub struct TimeBucket {
    pub time_bucket: String,
    pub count: i64,
}

pub async fn time_buckets(pool: &PgPool, owner: Uuid, filter: &TimelineFilter) -> sqlx::Result<Vec<TimeBucket>> {
    let order = if filter.ascending { "ASC" } else { "DESC" };
    let sql = format!(
        // Grouping by the month as a timestamp and formatting only the groups lets Postgres hash
        // the rows instead of sorting a string per photo.
        "SELECT to_char(month, 'YYYY-MM-DD') AS time_bucket, count FROM (
             SELECT date_trunc('month', a.local_date_time AT TIME ZONE 'UTC') AS month, count(*) AS count
             FROM assets a WHERE {FILTER}
             GROUP BY 1
         ) months ORDER BY month {order}"
    );
    let owners = timeline_owners(pool, owner, filter).await?;
    bind_filter(sqlx::query_as(sqlx::AssertSqlSafe(sql)), owner, filter, owners).fetch_all(pool).await
}

/// What the timeline grid needs of one asset.
#[derive(Debug, Clone, FromRow)]
pub struct TimelineAsset {
    pub id: Uuid,
    pub owner_id: Uuid,
    #[sqlx(rename = "type")]
    pub asset_type: String,
    pub is_favorite: bool,
    pub visibility: String,
    pub is_trashed: bool,
    pub created_at: DateTime<Utc>,
    pub file_created_at: DateTime<Utc>,
    pub local_date_time: DateTime<Utc>,
    pub duration_ms: Option<i64>,
    pub thumbhash: Option<Vec<u8>>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub live_photo_video_id: Option<Uuid>,
    pub projection_type: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub stack_id: Option<Uuid>,
    /// How many assets the asset's stack shows in the timeline, when it is in one.
    pub stack_count: Option<i64>,
}

/// The assets of the month starting at `month`, newest first (or oldest first).
pub async fn time_bucket_assets(
    pool: &PgPool,
    owner: Uuid,
    month: NaiveDate,
    filter: &TimelineFilter,
) -> sqlx::Result<Vec<TimelineAsset>> {
    let order = if filter.ascending { "ASC" } else { "DESC" };
    let sql = format!(
        "SELECT a.id, a.owner_id, a.type, a.is_favorite, a.visibility, a.deleted_at IS NOT NULL AS is_trashed,
                a.created_at, a.file_created_at, a.local_date_time, a.duration_ms, a.thumbhash, a.width, a.height,
                a.live_photo_video_id, e.projection_type, e.city, e.country, e.latitude, e.longitude, a.stack_id,
                CASE WHEN a.stack_id IS NOT NULL THEN (
                    SELECT count(*) FROM assets m
                    WHERE m.stack_id = a.stack_id AND m.deleted_at IS NULL AND m.visibility = 'timeline'
                ) END AS stack_count
         FROM assets a LEFT JOIN exif e ON e.asset_id = a.id
         WHERE {FILTER}
           AND a.local_date_time >= ($10::date)::timestamp AT TIME ZONE 'UTC'
           AND a.local_date_time < (($10::date) + interval '1 month')::timestamp AT TIME ZONE 'UTC'
         ORDER BY a.local_date_time {order}, a.id {order}"
    );
    let owners = timeline_owners(pool, owner, filter).await?;
    bind_filter(sqlx::query_as(sqlx::AssertSqlSafe(sql)), owner, filter, owners).bind(month).fetch_all(pool).await
}

type QueryAs<'q, T> = sqlx::query::QueryAs<'q, sqlx::Postgres, T, sqlx::postgres::PgArguments>;

fn bind_filter<'q, T>(
    query: QueryAs<'q, T>,
    owner: Uuid,
    filter: &TimelineFilter,
    owners: Vec<Uuid>,
) -> QueryAs<'q, T> {
    query
        .bind(owner)
        .bind(filter.visibility.map(Visibility::as_str))
        .bind(filter.is_favorite)
        .bind(filter.is_trashed)
        .bind(filter.album_id)
        .bind(filter.person_id)
        .bind(owners)
        .bind(filter.tag_id)
        .bind(filter.with_stacked)
}

/// Whose assets a timeline request may show the user: the owners of an album's photos when the
/// user can see the album; a partner who shares with them; else the user and, with
/// `with_partners`, the partners they show in their timeline.
async fn timeline_owners(pool: &PgPool, user: Uuid, filter: &TimelineFilter) -> sqlx::Result<Vec<Uuid>> {
    if let Some(album) = filter.album_id {
        // Whoever owns a photo in it: the owner, members, and members who have since left.
        let sql = format!(
            "SELECT DISTINCT a.owner_id FROM album_assets aa JOIN assets a ON a.id = aa.asset_id
             WHERE aa.album_id = $2 AND EXISTS (SELECT 1 FROM albums al WHERE al.id = $2 AND {CAN_SEE_ALBUM})"
        );
        let owners: Vec<Uuid> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(user).bind(album).fetch_all(pool).await?;
        return Ok(if owners.is_empty() { vec![user] } else { owners });
    }
    if let Some(other) = filter.user_id.filter(|other| *other != user) {
        let shares: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM partners WHERE shared_by_id = $1 AND shared_with_id = $2)",
        )
        .bind(other)
        .bind(user)
        .fetch_one(pool)
        .await?;
        return Ok(if shares { vec![other] } else { Vec::new() });
    }
    let mut owners = vec![user];
    if filter.with_partners {
        let partners: Vec<Uuid> =
            sqlx::query_scalar("SELECT shared_by_id FROM partners WHERE shared_with_id = $1 AND in_timeline")
                .bind(user)
                .fetch_all(pool)
                .await?;
        owners.extend(partners);
    }
    Ok(owners)
}
