//! One backup: the database dumped in a snapshot, and in that same snapshot the list of
//! originals, each copied to the target unless an object of its SHA-1 is there already; then the
//! manifest, then retention. A file is filed under its SHA-1 only once its bytes hash to it, so a
//! damaged original never overwrites its good backup; it is reported instead.

use std::collections::HashSet;
use std::io;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::Utc;
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use shoebox_core::Config;
use shoebox_db::PgPool;
use shoebox_db::integrity::{self, Reading, StoredOriginal};
use shoebox_storage::{Key, Storage, WriteMode};
use sqlx::Connection;

use crate::copy::{Checked, read_all, stream_checked};
use crate::manifest::{self, Manifest, Original, Problem, StoredObject};
use crate::{Progress, Target};

/// Originals copied at once.
const PARALLEL_COPIES: usize = 4;

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupReport {
    pub backup_id: String,
    pub originals: usize,
    /// Files (originals and sidecars) this backup copied: the others were there already.
    pub copied_files: usize,
    pub copied_bytes: u64,
    pub reused_files: usize,
    pub database_bytes: u64,
    pub missing: usize,
    pub mismatched: usize,
    /// Backups and objects retention removed.
    pub pruned_backups: usize,
    pub pruned_objects: usize,
    pub seconds: f64,
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "backup {}: {} originals", self.backup_id, self.originals)?;
        writeln!(f, "  copied: {} files, {} bytes; already in the target: {}", self.copied_files, self.copied_bytes, self.reused_files)?;
        writeln!(f, "  database dump: {} bytes", self.database_bytes)?;
        writeln!(f, "  missing from storage: {}; not matching their SHA-1: {}", self.missing, self.mismatched)?;
        writeln!(f, "  retention removed {} backups and {} files ({:.1} s)", self.pruned_backups, self.pruned_objects, self.seconds)
    }
}

enum Outcome {
    Copied { original: Original, files: usize, bytes: u64 },
    Reused { original: Original, files: usize },
    Problem(Problem, Reading),
}

/// A new backup's id: its start to the millisecond, then a random part. Ids sort by time, which
/// the list (newest first) and retention (keep the newest) rely on; to the second, two backups
/// of one second sorted by their random parts.
fn backup_id(now: chrono::DateTime<Utc>) -> String {
    format!("{}-{}", now.format("%Y%m%dT%H%M%S%3fZ"), &uuid::Uuid::new_v4().simple().to_string()[..8])
}

/// Backs the library up to `target`, keeping the newest `config.backup.keep` backups.
pub async fn backup(
    config: &Config,
    db: &PgPool,
    storage: &Storage,
    target: &Target,
    progress: Arc<Progress>,
) -> anyhow::Result<BackupReport> {
    let started = std::time::Instant::now();
    let now = Utc::now();
    let id = backup_id(now);
    let scratch = storage.scratch_file(".dump")?;

    // One snapshot for the dump and the list of originals: every row the dump holds has its file.
    let mut conn = db.acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()").fetch_one(&mut *tx).await?;
    let originals = integrity::originals(&mut tx).await?;
    dump(config, &snapshot, &scratch).await?;
    tx.rollback().await?;
    drop(conn);
    progress.set_total(originals.len());

    let dump_key = Key::backup_database(&id);
    let dump_file = tokio::fs::File::open(&scratch).await?;
    let dump_len = dump_file.metadata().await?.len();
    let dump_read = shoebox_storage::ObjectRead { total_len: dump_len, etag: None, body: Box::pin(dump_file) };
    let writer = target.store.write(&dump_key, WriteMode::Replace).await?;
    let (_, dump_sha1) = stream_checked(dump_read, writer, None).await.context("cannot store the database dump")?;
    drop(scratch);

    let present = manifest::stored_objects(target).await?;
    let present = &present;
    let outcomes: Vec<Outcome> = futures::stream::iter(originals)
        .map(|original| {
            let progress = progress.clone();
            async move {
                let outcome = back_up_one(storage, target, present, original).await;
                progress.step();
                outcome
            }
        })
        .buffered(PARALLEL_COPIES)
        .try_collect()
        .await?;

    let mut report = BackupReport { backup_id: id.clone(), database_bytes: dump_len, ..Default::default() };
    let mut listed = Vec::new();
    let mut problems = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Copied { original, files, bytes } => {
                report.copied_files += files;
                report.copied_bytes += bytes;
                report.reused_files += 1 + usize::from(original.sidecar.is_some()) - files;
                listed.push(original);
            }
            Outcome::Reused { original, files } => {
                report.reused_files += files;
                listed.push(original);
            }
            Outcome::Problem(problem, reading) => {
                if reading == Reading::Missing { report.missing += 1 } else { report.mismatched += 1 }
                // The admin page shows it with the scrub's findings.
                integrity::record(db, problem.asset_id, &reading).await?;
                problems.push(problem);
            }
        }
    }
    report.originals = listed.len();
    let manifest = Manifest {
        format: manifest::FORMAT,
        id: id.clone(),
        created_at: now,
        shoebox_version: env!("CARGO_PKG_VERSION").to_owned(),
        database: StoredObject { key: dump_key.into_string(), sha1: hex::encode(dump_sha1), size: dump_len },
        originals: listed,
        problems,
    };
    manifest::write(target, &manifest).await?;
    let (pruned_backups, pruned_objects) = prune(target, config.backup.keep, &id).await?;
    report.pruned_backups = pruned_backups;
    report.pruned_objects = pruned_objects;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Runs pg_dump in the exported snapshot, into `file`.
async fn dump(config: &Config, snapshot: &str, file: &std::path::Path) -> anyhow::Result<()> {
    let output = tokio::process::Command::new(&config.backup.pg_dump)
        .arg("--format=custom")
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg(format!("--snapshot={snapshot}"))
        .arg(format!("--file={}", file.display()))
        .arg(format!("--dbname={}", config.database_url))
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .with_context(|| format!("cannot run {} (SHOEBOX_PG_DUMP)", config.backup.pg_dump.display()))?;
    if !output.status.success() {
        bail!("pg_dump failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

async fn back_up_one(
    storage: &Storage,
    target: &Target,
    present: &HashSet<String>,
    row: StoredOriginal,
) -> anyhow::Result<Outcome> {
    let sha1 = hex::encode(&row.checksum);
    let key = Key::parse(row.original_path.as_str())?;
    let problem = |problem: &str| Problem { asset_id: row.asset_id, key: key.as_str().to_owned(), problem: problem.to_owned() };
    let mut files = 0;
    let mut bytes = 0;
    if !present.contains(&sha1) {
        let read = match storage.read(&key, None).await {
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Ok(Outcome::Problem(problem("missing"), Reading::Missing));
            }
            Err(err) => return Err(anyhow::Error::new(err).context(format!("cannot read {key}"))),
        };
        let writer = target.store.write(&Key::backup_object(&row.checksum), WriteMode::Replace).await?;
        match stream_checked(read, writer, Some(&row.checksum)).await.with_context(|| format!("copying {key}"))? {
            (Checked::Mismatch(found), _) => {
                return Ok(Outcome::Problem(problem("mismatch"), Reading::Mismatch { found }));
            }
            (Checked::Written(len), _) => {
                files += 1;
                bytes += len;
            }
        }
    }
    let sidecar = match &row.sidecar_path {
        None => None,
        Some(path) => {
            let sidecar_key = Key::parse(path.as_str())?;
            match storage.read(&sidecar_key, None).await {
                Ok(read) => {
                    let content = read_all(read).await?;
                    let sum = {
                        use sha1::Digest;
                        sha1::Sha1::digest(&content).to_vec()
                    };
                    let hex_sum = hex::encode(&sum);
                    if !present.contains(&hex_sum) {
                        let mut writer = target.store.write(&Key::backup_object(&sum), WriteMode::Replace).await?;
                        bytes += content.len() as u64;
                        let len = content.len() as u64;
                        writer.write(content.into()).await?;
                        writer.finish().await?;
                        files += 1;
                        Some(StoredObject { key: sidecar_key.into_string(), sha1: hex_sum, size: len })
                    } else {
                        Some(StoredObject { key: sidecar_key.into_string(), sha1: hex_sum, size: content.len() as u64 })
                    }
                }
                // A lost sidecar is not worth failing the backup of its original.
                Err(err) if err.kind() == io::ErrorKind::NotFound => None,
                Err(err) => return Err(anyhow::Error::new(err).context(format!("cannot read {sidecar_key}"))),
            }
        }
    };
    let original = Original {
        asset_id: row.asset_id,
        owner_id: row.owner_id,
        key: key.into_string(),
        sha1,
        size: row.file_size_bytes as u64,
        sidecar,
    };
    let total = 1 + usize::from(original.sidecar.is_some());
    Ok(if files > 0 { Outcome::Copied { original, files, bytes } } else { Outcome::Reused { original, files: total } })
}

/// Keeps the newest `keep` backups (always `current`), removes the others' manifests and dumps,
/// then every object no kept manifest names.
async fn prune(target: &Target, keep: usize, current: &str) -> anyhow::Result<(usize, usize)> {
    let ids = manifest::ids(target).await?;
    let cut = ids.len().saturating_sub(keep.max(1));
    let (old, kept) = ids.split_at(cut);
    let old: Vec<&String> = old.iter().filter(|id| id.as_str() != current).collect();
    for id in &old {
        target.store.delete(&Key::backup_manifest(id)).await?;
        target.store.delete(&Key::backup_database(id)).await?;
    }
    let mut named: HashSet<String> = HashSet::new();
    for id in kept {
        named.extend(manifest::read(target, id).await?.objects().map(str::to_owned));
    }
    let mut pruned = 0;
    let objects: Vec<_> = target.store.list("objects/").try_collect().await?;
    for object in objects {
        let sha1 = object.key.as_str().rsplit('/').next().unwrap_or_default();
        if !named.contains(sha1) {
            target.store.delete(&object.key).await?;
            pruned += 1;
        }
    }
    // Dumps of backups that never wrote their manifest (a failed run).
    let kept_dumps: HashSet<String> = kept.iter().map(|id| Key::backup_database(id).into_string()).collect();
    let dumps: Vec<_> = target.store.list("database/").try_collect().await?;
    for dump in dumps {
        if !kept_dumps.contains(dump.key.as_str()) {
            target.store.delete(&dump.key).await?;
        }
    }
    Ok((old.len(), pruned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_ids_of_one_second_sort_by_time() {
        let first = Utc::now();
        let ids: Vec<String> = (0..20).map(|ms| backup_id(first + chrono::Duration::milliseconds(ms * 7))).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids);
        assert_eq!(ids[0].len(), "20261202T202033123Z-0123abcd".len(), "{}", ids[0]);
    }
}
