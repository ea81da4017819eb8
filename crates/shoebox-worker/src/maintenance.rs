//! The worker's long runs: backups, scrubs, Takeout imports and exports, queued by an admin or by the nightly schedule and
//! kept in Postgres (`maintenance_runs`). Any worker may take one; only one runs each at a time,
//! and a run whose worker died (no heartbeat for a minute) is taken by another. A failed backup,
//! or a scrub that finds a damaged original, tells every admin (Immich's notifications).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use shoebox_backup::{Progress, Target};
use shoebox_core::Config;
use shoebox_core::backup_settings::last_scheduled;
use shoebox_db::maintenance::{self, Run, RunKind};

use crate::Pipeline;

/// A running run's worker is presumed dead after this long without a beat.
const STALE_SECONDS: i64 = 60;
const BEAT_EVERY: Duration = Duration::from_secs(2);

/// The kinds of run this worker takes.
const KINDS: &[RunKind] = &[RunKind::Backup, RunKind::Scrub, RunKind::TakeoutImport, RunKind::Export];

pub async fn run_forever(pipeline: Pipeline, config: Config) {
    loop {
        if let Err(err) = tick(&pipeline, &config).await {
            tracing::warn!(error = %format!("{err:#}"), "maintenance: will try again");
        }
        tokio::time::sleep(config.backup.poll).await;
    }
}

/// Queues what the schedule says is due, then takes and runs one queued run.
async fn tick(pipeline: &Pipeline, config: &Config) -> anyhow::Result<()> {
    schedule(pipeline, config).await?;
    let Some(run) = maintenance::claim(&pipeline.db, KINDS, STALE_SECONDS).await? else { return Ok(()) };
    tracing::info!(run = %run.id, kind = run.kind, "maintenance run started");
    let progress = Progress::new();
    let beating = tokio::spawn(beat_forever(pipeline.db.clone(), run.id, progress.clone()));
    let outcome = execute(pipeline, config, &run, progress.clone()).await;
    beating.abort();
    let (done, total) = progress.read();
    maintenance::beat(&pipeline.db, run.id, done, total).await?;
    match outcome {
        Ok(result) => {
            tracing::info!(run = %run.id, kind = run.kind, %result, "maintenance run completed");
            maintenance::finish(&pipeline.db, run.id, Ok(&result)).await?;
            let problems = result["mismatched"].as_u64().unwrap_or(0) + result["missing"].as_u64().unwrap_or(0);
            if problems > 0 {
                let title = format!("{problems} originals are damaged or missing");
                let description = "Open Administration → Backups to see them and restore them from a backup.";
                shoebox_db::notifications::notify_admins(&pipeline.db, "warning", "SystemMessage", &title, description, &json!({ "runId": run.id }))
                    .await?;
            }
        }
        Err(err) => {
            let reason = format!("{err:#}");
            tracing::error!(run = %run.id, kind = run.kind, %reason, "maintenance run failed");
            maintenance::finish(&pipeline.db, run.id, Err(&reason)).await?;
            if run.kind == RunKind::Backup.as_str() {
                shoebox_db::notifications::notify_admins(
                    &pipeline.db,
                    "error",
                    "BackupFailed",
                    "Backup failed",
                    &reason,
                    &json!({ "runId": run.id }),
                )
                .await?;
            }
        }
    }
    Ok(())
}

async fn execute(pipeline: &Pipeline, config: &Config, run: &Run, progress: Arc<Progress>) -> anyhow::Result<Value> {
    match RunKind::parse(&run.kind) {
        Some(RunKind::Backup) => {
            let target = Target::configured(config)?.ok_or_else(|| anyhow::anyhow!("no backup target is set (SHOEBOX_BACKUP_TARGET)"))?;
            let report = shoebox_backup::backup(config, &pipeline.db, &pipeline.storage, &target, progress).await?;
            Ok(serde_json::to_value(report)?)
        }
        Some(RunKind::Scrub) => {
            let percent = if run.params["all"].as_bool() == Some(true) { 100.0 } else { config.backup.scrub_percent };
            let percent = run.params["percent"].as_f64().unwrap_or(percent);
            let report = shoebox_backup::scrub(&pipeline.db, &pipeline.storage, percent, progress).await?;
            Ok(serde_json::to_value(report)?)
        }
        Some(RunKind::TakeoutImport) => {
            // An export uploaded through the web gallery, waiting in storage.
            let owner = run.requested_by.ok_or_else(|| anyhow::anyhow!("the import names no user"))?;
            let key = shoebox_storage::Key::parse(run.params["key"].as_str().unwrap_or_default())?;
            let copy = pipeline.storage.local_copy(&key).await?;
            let report = crate::takeout::import(pipeline, owner, &copy, progress).await;
            drop(copy);
            if let Err(err) = pipeline.storage.delete(&key).await {
                tracing::warn!(%key, error = %err, "could not remove an imported Takeout archive");
            }
            Ok(serde_json::to_value(report?)?)
        }
        Some(RunKind::Export) => {
            let owner = run.requested_by.ok_or_else(|| anyhow::anyhow!("the export names no user"))?;
            let group_by = crate::export::GroupBy::parse(run.params["groupBy"].as_str().unwrap_or("date"))
                .ok_or_else(|| anyhow::anyhow!("unknown groupBy {}", run.params["groupBy"]))?;
            let zip = pipeline.storage.scratch_file(".zip")?;
            let report = crate::export::export(pipeline, owner, group_by, &zip, progress).await?;
            let key = shoebox_storage::Key::export_archive(owner, run.id);
            let stored = pipeline.storage.put_file(&key, zip, shoebox_storage::WriteMode::Replace).await?;
            let mut result = serde_json::to_value(report)?;
            result["key"] = json!(key.as_str());
            result["zipBytes"] = json!(stored.len);
            Ok(result)
        }
        _ => anyhow::bail!("this worker does not run {} runs", run.kind),
    }
}

async fn beat_forever(db: shoebox_db::PgPool, run: uuid::Uuid, progress: Arc<Progress>) {
    loop {
        tokio::time::sleep(BEAT_EVERY).await;
        let (done, total) = progress.read();
        if let Err(err) = maintenance::beat(&db, run, done, total).await {
            tracing::warn!(%run, error = %err, "could not record a run's progress");
        }
    }
}

/// Queues the nightly backup and scrub once their time has passed since they were last asked for.
async fn schedule(pipeline: &Pipeline, config: &Config) -> anyhow::Result<()> {
    let now = Utc::now();
    let installed = maintenance::installed_at(&pipeline.db).await?;
    let nightly = [
        (RunKind::Backup, config.backup.time.filter(|_| config.backup.target.is_some())),
        (RunKind::Scrub, config.backup.scrub_time.filter(|_| config.backup.scrub_percent > 0.0)),
    ];
    for (kind, at) in nightly {
        let Some(at) = at else { continue };
        let due = last_scheduled(now, at);
        if installed.is_some_and(|installed| due < installed) {
            continue;
        }
        let last = maintenance::last_requested_at(&pipeline.db, kind).await?;
        if last.is_none_or(|last| last < due)
            && let Ok(run) = maintenance::request(&pipeline.db, kind, None, &json!({ "scheduled": true })).await?
        {
            tracing::info!(run = %run.id, kind = kind.as_str(), "queued the nightly run");
        }
    }
    Ok(())
}
