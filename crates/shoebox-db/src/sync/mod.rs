//! The mobile app's incremental sync: rows changed after a session's last acknowledgement, in
//! update-id order, and the acknowledgements themselves.
//!
//! Every synced row carries an `update_id` (a UUIDv7 stamped by a trigger on each write), so
//! "what changed since X" is a range scan. A transaction still in flight may commit a row whose
//! update id is older than rows already streamed; [`upper_bound`] stops the stream below the
//! oldest writing transaction, so no row can appear behind an acknowledgement.

mod albums;
mod assets;
mod memories;
mod ocr;
mod partners;
mod people;
mod stacks;
mod users;

pub use albums::*;
pub use assets::*;
pub use memories::*;
pub use ocr::*;
pub use partners::*;
pub use people::*;
pub use stacks::*;
pub use users::*;

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

/// Rows fetched per query while streaming.
pub const PAGE: i64 = 1000;

/// The update id below which every row is committed and visible.
///
/// The clock is read first, then the writers in flight: a transaction that starts writing after
/// the clock was read stamps its rows later, so above the bound; one already writing is seen
/// and bounds the stream by its start. The short sleep first lets the bound reach past the
/// millisecond the request arrived in, so a client that just uploaded sees its upload.
pub async fn upper_bound(pool: &PgPool) -> sqlx::Result<Uuid> {
    let now: DateTime<Utc> =
        sqlx::query_scalar("SELECT clock_timestamp() FROM pg_sleep(0.002)").fetch_one(pool).await?;
    let oldest_writer: Option<DateTime<Utc>> = sqlx::query_scalar(
        "SELECT min(xact_start) FROM pg_stat_activity
         WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
    )
    .fetch_one(pool)
    .await?;
    let bound = oldest_writer.map_or(now, |writer| writer.min(now));
    sqlx::query_scalar("SELECT shoebox_uuid_v7_floor($1)").bind(bound).fetch_one(pool).await
}

/// A session's last acknowledged update id per entity type, as `(type, ack)`.
pub async fn checkpoints(pool: &PgPool, session: Uuid) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT type, ack FROM session_sync_checkpoints WHERE session_id = $1 ORDER BY type")
        .bind(session)
        .fetch_all(pool)
        .await
}

/// Records acknowledgements, one `(type, ack)` per entity type.
pub async fn save_checkpoints(pool: &PgPool, session: Uuid, acks: &[(String, String)]) -> sqlx::Result<()> {
    let (types, values): (Vec<&str>, Vec<&str>) = acks.iter().map(|(t, a)| (t.as_str(), a.as_str())).unzip();
    sqlx::query(
        "INSERT INTO session_sync_checkpoints (session_id, type, ack)
         SELECT $1, t, a FROM unnest($2::text[], $3::text[]) AS x(t, a)
         ON CONFLICT (session_id, type) DO UPDATE SET ack = EXCLUDED.ack, updated_at = now()",
    )
    .bind(session)
    .bind(types)
    .bind(values)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets acknowledgements: of the given types, or all of them.
pub async fn delete_checkpoints(pool: &PgPool, session: Uuid, types: Option<&[String]>) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM session_sync_checkpoints WHERE session_id = $1 AND ($2::text[] IS NULL OR type = ANY($2))",
    )
    .bind(session)
    .bind(types)
    .execute(pool)
    .await?;
    Ok(())
}

/// The window of update ids one page covers: strictly after `after`, strictly below `before`,
/// and for a backfill at most `until` (the ack the backfill catches up to).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub after: Option<Uuid>,
    pub before: Uuid,
    pub until: Option<Uuid>,
}

/// The window condition on column `id`, for the binds [`page`] makes: `$2` after, `$3`
/// before, `$4` the page size, `$5` until.
macro_rules! window {
    ($id:literal) => {
        concat!(
            "($2::uuid IS NULL OR ",
            $id,
            " > $2) AND ",
            $id,
            " < $3 AND ($5::uuid IS NULL OR ",
            $id,
            " <= $5) ORDER BY ",
            $id,
            " LIMIT $4"
        )
    };
}
pub(crate) use window;

/// Runs one page of a sync query: `$1` is the user (or album, or partner) it is about, the
/// rest are the window's bounds (see [`window!`]).
pub(crate) async fn page<T>(pool: &PgPool, sql: &'static str, key: Uuid, window: Window) -> sqlx::Result<Vec<T>>
where
    T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    sqlx::query_as(sql)
        .bind(key)
        .bind(window.after)
        .bind(window.before)
        .bind(PAGE)
        .bind(window.until)
        .fetch_all(pool)
        .await
}

/// [`page`] with a sixth bind, `$6`.
pub(crate) async fn page_with<T>(
    pool: &PgPool,
    sql: &'static str,
    key: Uuid,
    window: Window,
    extra: Uuid,
) -> sqlx::Result<Vec<T>>
where
    T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    sqlx::query_as(sql)
        .bind(key)
        .bind(window.after)
        .bind(window.before)
        .bind(PAGE)
        .bind(window.until)
        .bind(extra)
        .fetch_all(pool)
        .await
}

/// Something that disappeared from a user's view: the audit row's id (the ack) and the ids the
/// delete event names.
#[derive(Debug, Clone, FromRow)]
pub struct Gone {
    pub id: Uuid,
    pub first: Uuid,
    pub second: Option<Uuid>,
    pub key: Option<String>,
}

/// A grant of access to older rows (a partner's library, an album joined), in the order
/// granted: the stream backfills each one.
#[derive(Debug, Clone, FromRow)]
pub struct Grant {
    /// The partner's user id, or the album id.
    pub entity_id: Uuid,
    pub create_id: Uuid,
}
