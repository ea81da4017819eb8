//! External libraries: their rows (admins manage them through the API), the assets a worker
//! indexes from their folders, and the advisory locks that let one worker at a time index each.
//! A library's assets are keyed by (library, original path); their files are the user's, so
//! nothing here ever names one for removal except the derived files made from it.

use chrono::{DateTime, Utc};
use shoebox_core::domain::{AssetFileKind, AssetType};
use sqlx::{Connection, FromRow, PgConnection, PgPool};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Library {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub import_paths: Vec<String>,
    pub exclusion_patterns: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When a worker last finished walking the folders (from when that walk started).
    pub refreshed_at: Option<DateTime<Utc>>,
    /// When a scan was last asked for; due while newer than `refreshed_at`.
    pub scan_requested_at: Option<DateTime<Utc>>,
    pub asset_count: i64,
}

impl Library {
    /// Whether someone asked for a scan that has not run since.
    pub fn scan_requested(&self) -> bool {
        match (self.scan_requested_at, self.refreshed_at) {
            (Some(asked), Some(done)) => asked > done,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

const COLUMNS: &str = "l.id, l.owner_id, l.name, l.import_paths, l.exclusion_patterns, l.created_at, l.updated_at,
    l.refreshed_at, l.scan_requested_at, (SELECT count(*) FROM assets a WHERE a.library_id = l.id) AS asset_count";

#[derive(Debug, Clone)]
pub struct NewLibrary {
    pub owner_id: Uuid,
    pub name: String,
    pub import_paths: Vec<String>,
    pub exclusion_patterns: Vec<String>,
}

/// Creates a library; its first scan is asked for at once.
pub async fn create(pool: &PgPool, new: &NewLibrary) -> sqlx::Result<Library> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO libraries (id, owner_id, name, import_paths, exclusion_patterns, scan_requested_at)
         VALUES ($1, $2, $3, $4, $5, now()) RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(new.owner_id)
    .bind(&new.name)
    .bind(&new.import_paths)
    .bind(&new.exclusion_patterns)
    .fetch_one(pool)
    .await?;
    Ok(get(pool, id).await?.expect("the library was just created"))
}

/// Every library, oldest first (Immich's order).
pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<Library>> {
    let sql = format!("SELECT {COLUMNS} FROM libraries l ORDER BY l.created_at, l.id");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await
}

pub async fn get(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<Library>> {
    let sql = format!("SELECT {COLUMNS} FROM libraries l WHERE l.id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await
}

/// Changes to a library; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct LibraryUpdate {
    pub name: Option<String>,
    pub import_paths: Option<Vec<String>>,
    pub exclusion_patterns: Option<Vec<String>>,
}

/// Applies `update`. New folders or patterns ask for a scan, which picks up what they add and
/// takes offline what they leave out.
pub async fn update(pool: &PgPool, id: Uuid, update: &LibraryUpdate) -> sqlx::Result<Option<Library>> {
    let changes_files = update.import_paths.is_some() || update.exclusion_patterns.is_some();
    let updated = sqlx::query(
        "UPDATE libraries SET name = COALESCE($2, name), import_paths = COALESCE($3, import_paths),
             exclusion_patterns = COALESCE($4, exclusion_patterns), updated_at = now(),
             scan_requested_at = CASE WHEN $5 THEN now() ELSE scan_requested_at END
         WHERE id = $1",
    )
    .bind(id)
    .bind(&update.name)
    .bind(&update.import_paths)
    .bind(&update.exclusion_patterns)
    .bind(changes_files)
    .execute(pool)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(None);
    }
    get(pool, id).await
}

/// Asks the workers to walk the library's folders; false when there is no such library.
pub async fn request_scan(pool: &PgPool, id: Uuid) -> sqlx::Result<bool> {
    let asked =
        sqlx::query("UPDATE libraries SET scan_requested_at = now() WHERE id = $1").bind(id).execute(pool).await?;
    Ok(asked.rows_affected() > 0)
}

/// What deleting a library removed: its assets' ids, for the owner's live clients, and the keys
/// of the files made from them (thumbnails, previews, transcodes) for the caller to remove. The
/// library's own files are not among them: they stay where the user keeps them.
#[derive(Debug, Clone)]
pub struct Removed {
    pub owner_id: Uuid,
    pub asset_ids: Vec<Uuid>,
    pub derived_keys: Vec<String>,
}

/// Deletes a library and its assets' rows; `None` when there is no such library.
pub async fn delete(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<Removed>> {
    let mut tx = pool.begin().await?;
    let owner_id: Option<Uuid> = sqlx::query_scalar("SELECT owner_id FROM libraries WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(owner_id) = owner_id else { return Ok(None) };
    let asset_ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM assets WHERE library_id = $1 FOR UPDATE")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    let derived_keys: Vec<String> =
        sqlx::query_scalar("SELECT path FROM asset_files WHERE asset_id = ANY($1) AND kind <> $2")
            .bind(&asset_ids)
            .bind(AssetFileKind::Sidecar.as_str())
            .fetch_all(&mut *tx)
            .await?;
    sqlx::query("DELETE FROM assets WHERE library_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM libraries WHERE id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Some(Removed { owner_id, asset_ids, derived_keys }))
}

/// Immich's `LibraryStatsResponseDto`: photos and videos not hidden, and their bytes.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct LibraryStats {
    pub photos: i64,
    pub videos: i64,
    pub usage: i64,
}

pub async fn statistics(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<LibraryStats>> {
    sqlx::query_as(
        "SELECT count(a.id) FILTER (WHERE a.type = 'IMAGE' AND a.visibility <> 'hidden') AS photos,
                count(a.id) FILTER (WHERE a.type = 'VIDEO' AND a.visibility <> 'hidden') AS videos,
                COALESCE(sum(a.file_size_bytes), 0)::bigint AS usage
         FROM libraries l LEFT JOIN assets a ON a.library_id = l.id
         WHERE l.id = $1 GROUP BY l.id",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The database's clock: a walk's start is compared with scan requests the database timed.
pub async fn database_now(pool: &PgPool) -> sqlx::Result<DateTime<Utc>> {
    sqlx::query_scalar("SELECT now()").fetch_one(pool).await
}

/// Records that a walk of the library's folders that began at `started` has finished: a scan
/// asked for after it began stays due.
pub async fn mark_refreshed(pool: &PgPool, id: Uuid, started: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE libraries SET refreshed_at = $2 WHERE id = $1").bind(id).bind(started).execute(pool).await?;
    Ok(())
}

/// What a scan compares a file on disk with.
#[derive(Debug, Clone, FromRow)]
pub struct IndexedFile {
    pub id: Uuid,
    pub original_path: String,
    pub file_size_bytes: i64,
    pub file_modified_at: DateTime<Utc>,
    pub is_offline: bool,
    pub sidecar_path: Option<String>,
    pub sidecar_updated_at: Option<DateTime<Utc>>,
}

const INDEXED: &str = "SELECT a.id, a.original_path, a.file_size_bytes, a.file_modified_at, a.is_offline,
        f.path AS sidecar_path, f.updated_at AS sidecar_updated_at
    FROM assets a LEFT JOIN asset_files f ON f.asset_id = a.id AND f.kind = 'sidecar'";

/// Every file the library has indexed.
pub async fn indexed_files(pool: &PgPool, library: Uuid) -> sqlx::Result<Vec<IndexedFile>> {
    let sql = format!("{INDEXED} WHERE a.library_id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(library).fetch_all(pool).await
}

/// The indexed files among `keys`.
pub async fn indexed_among(pool: &PgPool, library: Uuid, keys: &[String]) -> sqlx::Result<Vec<IndexedFile>> {
    let sql = format!("{INDEXED} WHERE a.library_id = $1 AND a.original_path = ANY($2)");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(library).bind(keys).fetch_all(pool).await
}

/// The indexed files whose key is `key` or starts with `key/`: a file, or a folder that went away.
pub async fn indexed_under(pool: &PgPool, library: Uuid, key: &str) -> sqlx::Result<Vec<IndexedFile>> {
    let sql =
        format!("{INDEXED} WHERE a.library_id = $1 AND (a.original_path = $2 OR starts_with(a.original_path, $3))");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(library).bind(key).bind(format!("{key}/")).fetch_all(pool).await
}

/// A file found in a library's folder, hashed and sniffed.
#[derive(Debug, Clone)]
pub struct NewLibraryFile {
    pub library_id: Uuid,
    pub owner_id: Uuid,
    pub checksum: Vec<u8>,
    pub asset_type: AssetType,
    pub original_path: String,
    pub original_file_name: String,
    pub original_mime_type: String,
    pub file_size_bytes: i64,
    pub file_created_at: DateTime<Utc>,
    pub file_modified_at: DateTime<Utc>,
}

/// Indexes a file as a new asset of the library, in the timeline until its metadata says when it
/// was taken; `None` when another scan indexed it first.
pub async fn insert_file(pool: &PgPool, new: &NewLibraryFile) -> sqlx::Result<Option<Uuid>> {
    let mut tx = pool.begin().await?;
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO assets (id, owner_id, library_id, checksum, type, original_path, original_file_name,
             original_mime_type, file_size_bytes, file_created_at, file_modified_at, local_date_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)
         ON CONFLICT (library_id, original_path) WHERE library_id IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(Uuid::new_v4())
    .bind(new.owner_id)
    .bind(new.library_id)
    .bind(&new.checksum)
    .bind(new.asset_type.as_str())
    .bind(&new.original_path)
    .bind(&new.original_file_name)
    .bind(&new.original_mime_type)
    .bind(new.file_size_bytes)
    .bind(new.file_created_at)
    .bind(new.file_modified_at)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = inserted {
        sqlx::query("INSERT INTO asset_job_status (asset_id) VALUES ($1)").bind(id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(inserted)
}

/// A file whose bytes changed on disk: its new checksum, size, time and type.
#[derive(Debug, Clone)]
pub struct ChangedFile {
    pub checksum: Vec<u8>,
    pub asset_type: AssetType,
    pub original_mime_type: String,
    pub file_size_bytes: i64,
    pub file_modified_at: DateTime<Utc>,
}

/// Records a file's new bytes and sends the asset through the whole pipeline again: every step's
/// progress and failures are cleared, so the reconcile finds it too if the caller's job is lost.
pub async fn update_changed(pool: &PgPool, id: Uuid, changed: &ChangedFile) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE assets SET checksum = $2, type = $3, original_mime_type = $4, file_size_bytes = $5,
             file_modified_at = $6, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(&changed.checksum)
    .bind(changed.asset_type.as_str())
    .bind(&changed.original_mime_type)
    .bind(changed.file_size_bytes)
    .bind(changed.file_modified_at)
    .execute(&mut *tx)
    .await?;
    restart_pipeline(&mut tx, id).await?;
    tx.commit().await
}

/// Clears an asset's progress through the pipeline, so it goes through every step again.
async fn restart_pipeline(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE asset_job_status SET metadata_extracted_at = NULL, thumbnails_generated_at = NULL,
             video_encoded_at = NULL, smart_search_at = NULL, faces_detected_at = NULL,
             facial_recognition_at = NULL, duplicates_detected_at = NULL
         WHERE asset_id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM asset_job_failures WHERE asset_id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Records the asset's XMP sidecar (a file beside it, by its external key), or that it has none.
/// Returns whether that changed anything; a changed sidecar sends the asset through the
/// pipeline again, since its metadata may come from it.
pub async fn set_sidecar(
    pool: &PgPool,
    id: Uuid,
    sidecar: Option<&str>,
    modified: Option<DateTime<Utc>>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let changed = match sidecar {
        Some(path) => {
            // Touched when the path differs or the file changed since the row was written.
            sqlx::query(
                "INSERT INTO asset_files (asset_id, kind, path) VALUES ($1, $2, $3)
                 ON CONFLICT (asset_id, kind) DO UPDATE SET path = EXCLUDED.path, updated_at = now()
                 WHERE asset_files.path <> EXCLUDED.path OR asset_files.updated_at < $4",
            )
            .bind(id)
            .bind(AssetFileKind::Sidecar.as_str())
            .bind(path)
            .bind(modified)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0
        }
        None => {
            sqlx::query("DELETE FROM asset_files WHERE asset_id = $1 AND kind = $2")
                .bind(id)
                .bind(AssetFileKind::Sidecar.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0
        }
    };
    tx.commit().await?;
    Ok(changed)
}

/// Sends an asset through the pipeline again (its sidecar changed).
pub async fn restart(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    restart_pipeline(&mut tx, id).await?;
    tx.commit().await
}

/// Takes assets whose files went away offline, as Immich does: into the trash (unless they were
/// there already), marked offline. Returns those that were online.
pub async fn set_offline(pool: &PgPool, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "UPDATE assets SET is_offline = true, deleted_at = COALESCE(deleted_at, now()), updated_at = now()
         WHERE id = ANY($1) AND NOT is_offline RETURNING id",
    )
    .bind(ids)
    .fetch_all(pool)
    .await
}

/// Brings assets whose files came back online, out of the trash. Returns those that were offline.
pub async fn set_online(pool: &PgPool, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "UPDATE assets SET is_offline = false, deleted_at = NULL, updated_at = now()
         WHERE id = ANY($1) AND is_offline RETURNING id",
    )
    .bind(ids)
    .fetch_all(pool)
    .await
}

/// Advisory locks that give each library to one worker: held on a connection of their own for as
/// long as the worker watches the library, and gone with that connection when the worker dies,
/// so another worker takes the library over.
pub struct LibraryLocks {
    conn: PgConnection,
}

/// Keeps library locks apart from any other advisory lock in the database (the two-key form
/// never meets the one-key form sqlx's migrations take).
const LOCK_CLASS: i32 = 0x5b0c_11b0;

/// A library's lock key: its id folded into 32 bits. Two libraries folding alike only make one
/// worker index both.
fn lock_key(library: Uuid) -> i32 {
    let bytes = library.as_bytes();
    let word = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (word(0) ^ word(4) ^ word(8) ^ word(12)) as i32
}

impl LibraryLocks {
    pub async fn connect(url: &str) -> sqlx::Result<Self> {
        Ok(Self { conn: PgConnection::connect(url).await? })
    }

    /// Takes the library's lock unless another worker holds it.
    pub async fn try_lock(&mut self, library: Uuid) -> sqlx::Result<bool> {
        sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(lock_key(library))
            .fetch_one(&mut self.conn)
            .await
    }

    pub async fn unlock(&mut self, library: Uuid) -> sqlx::Result<()> {
        let _: bool = sqlx::query_scalar("SELECT pg_advisory_unlock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(lock_key(library))
            .fetch_one(&mut self.conn)
            .await?;
        Ok(())
    }

    /// Whether the connection (and with it every lock) is still there.
    pub async fn alive(&mut self) -> bool {
        self.conn.ping().await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_differ_for_different_libraries() {
        let a = Uuid::from_u128(0x0f8fad5b_d9cb_469f_a165_70867728950e);
        let b = Uuid::from_u128(0x0f8fad5b_d9cb_469f_a165_70867728950f);
        assert_ne!(lock_key(a), lock_key(b));
        assert_eq!(lock_key(a), lock_key(a));
    }
}
