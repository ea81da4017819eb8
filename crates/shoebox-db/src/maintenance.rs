//! Long background runs (backup, scrub, export, Takeout import): queued by an admin, a user or
//! the nightly schedule, taken by one worker at a time, with their progress and result. A run
//! whose worker stops beating goes back to the queue for another.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

/// What a run does; the `maintenance_runs.kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Backup,
    Scrub,
    Export,
    TakeoutImport,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Backup => "backup",
            RunKind::Scrub => "scrub",
            RunKind::Export => "export",
            RunKind::TakeoutImport => "takeout_import",
        }
    }

    pub fn parse(raw: &str) -> Option<RunKind> {
        [RunKind::Backup, RunKind::Scrub, RunKind::Export, RunKind::TakeoutImport].into_iter().find(|k| k.as_str() == raw)
    }
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub id: Uuid,
    pub kind: String,
    /// `queued`, `running`, `completed` or `failed`.
    pub status: String,
    pub requested_by: Option<Uuid>,
    pub params: Value,
    pub requested_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub done: i64,
    pub total: Option<i64>,
    pub result: Option<Value>,
    pub error: Option<String>,
}

const COLUMNS: &str =
    "id, kind, status, requested_by, params, requested_at, started_at, finished_at, done, total, result, error";

/// Why a run was not queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A run of that kind is queued or under way already (backups and scrubs run one at a time).
    AlreadyActive(Uuid),
}

/// Queues a run; a backup or scrub while another is active is refused with the active one's id.
pub async fn request(
    pool: &PgPool,
    kind: RunKind,
    requested_by: Option<Uuid>,
    params: &Value,
) -> sqlx::Result<Result<Run, Refused>> {
    let inserted: Option<Run> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO maintenance_runs (kind, requested_by, params) VALUES ($1, $2, $3)
         ON CONFLICT (kind) WHERE status IN ('queued', 'running') AND kind IN ('backup', 'scrub') DO NOTHING
         RETURNING {COLUMNS}"
    )))
    .bind(kind.as_str())
    .bind(requested_by)
    .bind(params)
    .fetch_optional(pool)
    .await?;
    if let Some(run) = inserted {
        return Ok(Ok(run));
    }
    let active: Uuid = sqlx::query_scalar(
        "SELECT id FROM maintenance_runs WHERE kind = $1 AND status IN ('queued', 'running') LIMIT 1",
    )
    .bind(kind.as_str())
    .fetch_one(pool)
    .await?;
    Ok(Err(Refused::AlreadyActive(active)))
}

/// Hands the oldest queued run of `kinds` to the caller, marking it running; runs whose worker
/// has not beaten for `stale_seconds` are queued again first.
pub async fn claim(pool: &PgPool, kinds: &[RunKind], stale_seconds: i64) -> sqlx::Result<Option<Run>> {
    sqlx::query(
        "UPDATE maintenance_runs SET status = 'queued'
         WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)",
    )
    .bind(stale_seconds as f64)
    .execute(pool)
    .await?;
    let kinds: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE maintenance_runs SET status = 'running', started_at = now(), heartbeat_at = now()
         WHERE id = (SELECT id FROM maintenance_runs WHERE status = 'queued' AND kind = ANY($1)
                     ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING {COLUMNS}"
    )))
    .bind(&kinds)
    .fetch_optional(pool)
    .await
}

/// Records progress and that the worker is alive.
pub async fn beat(pool: &PgPool, id: Uuid, done: i64, total: Option<i64>) -> sqlx::Result<()> {
    sqlx::query("UPDATE maintenance_runs SET heartbeat_at = now(), done = $2, total = $3 WHERE id = $1 AND status = 'running'")
        .bind(id)
        .bind(done)
        .bind(total)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends a run: `Ok(result)` completes it, `Err(reason)` fails it.
pub async fn finish(pool: &PgPool, id: Uuid, outcome: Result<&Value, &str>) -> sqlx::Result<()> {
    let (status, result, error) = match outcome {
        Ok(result) => ("completed", Some(result), None),
        Err(reason) => ("failed", None, Some(reason)),
    };
    sqlx::query(
        "UPDATE maintenance_runs SET status = $2, result = $3, error = $4, finished_at = now(), heartbeat_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(result)
    .bind(error)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn get(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<Run>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM maintenance_runs WHERE id = $1"))).bind(id).fetch_optional(pool).await
}

/// The newest runs of `kind`, newest first; `requested_by` limits them to one user's.
pub async fn recent(pool: &PgPool, kind: RunKind, requested_by: Option<Uuid>, limit: i64) -> sqlx::Result<Vec<Run>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM maintenance_runs WHERE kind = $1 AND ($2::uuid IS NULL OR requested_by = $2)
         ORDER BY requested_at DESC LIMIT $3"
    )))
    .bind(kind.as_str())
    .bind(requested_by)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// When the last run of `kind` that the schedule or anyone asked for was requested.
pub async fn last_requested_at(pool: &PgPool, kind: RunKind) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT max(requested_at) FROM maintenance_runs WHERE kind = $1")
        .bind(kind.as_str())
        .fetch_one(pool)
        .await
}

/// Fails the runs a restored database says were under way: their workers are gone.
pub async fn fail_interrupted(pool: &PgPool, reason: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE maintenance_runs SET status = 'failed', error = $1, finished_at = now()
         WHERE status IN ('queued', 'running')",
    )
    .bind(reason)
    .execute(pool)
    .await?
    .rows_affected())
}

/// When this installation's database was first set up: nightly runs missed before it are not
/// made up (a new installation does not back up its empty library at once).
pub async fn installed_at(pool: &PgPool) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT min(installed_on) FROM _sqlx_migrations").fetch_one(pool).await
}
