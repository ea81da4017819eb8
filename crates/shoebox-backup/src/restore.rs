//! A verified restore onto an empty installation: the database from the backup's dump, then
//! every original and sidecar put back under its key and checked against the manifest's SHA-1,
//! then the files the worker makes (thumbnails, previews, transcodes, face crops) forgotten so it
//! makes them again. Machine-learning results come back with the database: people keep their
//! names and faces.

use std::io;
use std::sync::Arc;

use anyhow::{Context, bail};
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use shoebox_core::Config;
use shoebox_db::PgPool;
use shoebox_db::integrity::{self, Reading};
use shoebox_storage::{Key, Storage, WriteMode};

use crate::copy::{Checked, stream_checked};
use crate::manifest::{self, Manifest, StoredObject};
use crate::{Progress, Target};

const PARALLEL_COPIES: usize = 4;

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub backup_id: String,
    pub originals: usize,
    /// Originals and sidecars put back whose bytes matched the manifest.
    pub verified_files: usize,
    pub verified_bytes: u64,
    /// Files whose backup is missing or does not match its SHA-1: listed by key.
    pub failed: Vec<String>,
    /// Originals the backup could not hold (missing or damaged when it was taken).
    pub not_in_backup: usize,
    pub seconds: f64,
}

impl std::fmt::Display for RestoreReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "restored backup {}: the database and {} originals", self.backup_id, self.originals)?;
        writeln!(f, "  files put back and matching their SHA-1: {} ({} bytes)", self.verified_files, self.verified_bytes)?;
        writeln!(f, "  failed the check: {}; not in the backup: {}", self.failed.len(), self.not_in_backup)?;
        for key in &self.failed {
            writeln!(f, "    {key}")?;
        }
        writeln!(f, "  took {:.1} s", self.seconds)
    }
}

/// Restores backup `id` (the newest when `None`) from `target` into the installation `config`
/// names, whose database and storage must hold no library yet.
pub async fn restore(
    config: &Config,
    storage: &Storage,
    target: &Target,
    id: Option<&str>,
    progress: Arc<Progress>,
) -> anyhow::Result<(PgPool, RestoreReport)> {
    let started = std::time::Instant::now();
    let id = match id {
        Some(id) => id.to_owned(),
        None => manifest::ids(target).await?.pop().with_context(|| format!("{} holds no backup", target.location))?,
    };
    let manifest = manifest::read(target, &id).await?;
    let db = shoebox_db::connect(&config.database_url, 8).await.context("cannot connect to PostgreSQL")?;
    require_empty(&db, storage).await?;

    let dump = storage.scratch_file(".dump")?;
    let read = target.store.read(&Key::parse(manifest.database.key.as_str())?, None).await?;
    let file = tokio::fs::File::create(&dump).await?;
    copy_to_file(read, file, &manifest.database).await?;
    // The empty schema a first start may have made goes; the dump brings its own.
    sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;").execute(&db).await?;
    let output = tokio::process::Command::new(&config.backup.pg_restore)
        .args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"])
        .arg(format!("--dbname={}", config.database_url))
        .arg(&dump)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .with_context(|| format!("cannot run {} (SHOEBOX_PG_RESTORE)", config.backup.pg_restore.display()))?;
    if !output.status.success() {
        bail!("pg_restore failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    drop(dump);
    // A backup of an older version is brought up to this one's schema.
    shoebox_db::migrate(&db).await.context("cannot migrate the restored database")?;
    shoebox_db::maintenance::fail_interrupted(&db, "interrupted: the library was restored from a backup").await?;
    integrity::forget_derived_files(&db).await?;

    let mut report = RestoreReport { backup_id: id, originals: manifest.originals.len(), ..Default::default() };
    let files: Vec<(StoredObject, bool)> = manifest
        .originals
        .iter()
        .flat_map(|original| {
            let file = StoredObject { key: original.key.clone(), sha1: original.sha1.clone(), size: original.size };
            std::iter::once((file, true)).chain(original.sidecar.clone().map(|sidecar| (sidecar, false)))
        })
        .collect();
    progress.set_total(files.len());
    let results: Vec<(String, Option<u64>)> = futures::stream::iter(files)
        .map(|(file, _)| {
            let progress = progress.clone();
            async move {
                let outcome = put_back(storage, target, &file).await?;
                progress.step();
                anyhow::Ok((file.key, outcome))
            }
        })
        .buffer_unordered(PARALLEL_COPIES)
        .try_collect()
        .await?;
    for (key, outcome) in results {
        match outcome {
            Some(len) => {
                report.verified_files += 1;
                report.verified_bytes += len;
            }
            None => report.failed.push(key),
        }
    }
    report.failed.sort();
    report.not_in_backup = manifest.problems.len();
    record_missing(&db, &manifest, &report.failed).await?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok((db, report))
}

/// Refuses to restore over a library: users in the database, or originals in storage.
async fn require_empty(db: &PgPool, storage: &Storage) -> anyhow::Result<()> {
    let has_users: bool = sqlx::query_scalar("SELECT to_regclass('public.users') IS NOT NULL").fetch_one(db).await?;
    if has_users {
        let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(db).await?;
        if users > 0 {
            bail!("the database already holds a library ({users} users): restore onto an empty database");
        }
    }
    let mut originals = storage.list("upload/");
    if originals.next().await.transpose()?.is_some() {
        bail!("the storage already holds originals ({}): restore onto empty storage", storage.describe());
    }
    Ok(())
}

async fn copy_to_file(read: shoebox_storage::ObjectRead, mut file: tokio::fs::File, expected: &StoredObject) -> anyhow::Result<()> {
    use tokio::io::AsyncWriteExt;
    let (sha1, _) = crate::copy::read_hashed(read, crate::copy::Sink::File(&mut file)).await?;
    file.flush().await?;
    let sha1 = hex::encode(sha1);
    if sha1 != expected.sha1 {
        bail!("the backup's database dump {} does not match its SHA-1 ({sha1}, not {})", expected.key, expected.sha1);
    }
    Ok(())
}

/// Puts one file back under its key if its backup matches its SHA-1; its length, or `None`.
async fn put_back(storage: &Storage, target: &Target, file: &StoredObject) -> anyhow::Result<Option<u64>> {
    let sha1 = hex::decode(&file.sha1).with_context(|| format!("the manifest names {} with a bad SHA-1", file.key))?;
    let read = match target.store.read(&Key::backup_object(&sha1), None).await {
        Ok(read) => read,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let writer = storage.write(&Key::parse(file.key.as_str())?, WriteMode::Replace).await?;
    Ok(match stream_checked(read, writer, Some(&sha1)).await? {
        (Checked::Written(len), _) => Some(len),
        (Checked::Mismatch(_), _) => None,
    })
}

/// The admin page lists the originals the restore could not bring back, as the scrub would.
async fn record_missing(db: &PgPool, manifest: &Manifest, failed: &[String]) -> anyhow::Result<()> {
    for original in &manifest.originals {
        if failed.contains(&original.key) {
            integrity::record(db, original.asset_id, &Reading::Missing).await?;
        }
    }
    for problem in &manifest.problems {
        integrity::record(db, problem.asset_id, &Reading::Missing).await?;
    }
    Ok(())
}
