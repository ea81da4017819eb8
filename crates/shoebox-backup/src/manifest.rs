//! A backup's manifest: the database dump it holds and every original (and sidecar) with its
//! SHA-1 and size. It is the last file a backup writes, so a backup exists once its manifest
//! does; retention and restores read nothing else to know what a backup holds.

use std::collections::HashSet;

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use shoebox_storage::{Key, WriteMode};
use uuid::Uuid;

use crate::Target;
use crate::copy::read_all;

/// The manifest format this version writes and reads.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: u32,
    /// Sorts by time: `20261202T023000Z-1a2b3c4d`.
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub shoebox_version: String,
    pub database: StoredObject,
    pub originals: Vec<Original>,
    /// Originals the database names that could not be backed up (missing, or not matching their
    /// SHA-1): their rows are in the dump, their files are not.
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredObject {
    pub key: String,
    pub sha1: String,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Original {
    pub asset_id: Uuid,
    pub owner_id: Uuid,
    /// Where the library keeps it (its storage key), and so where a restore puts it back.
    pub key: String,
    /// Hex SHA-1: the object `objects/<first two>/<sha1>` in the target.
    pub sha1: String,
    pub size: u64,
    pub sidecar: Option<StoredObject>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub asset_id: Uuid,
    pub key: String,
    /// `missing` or `mismatch`.
    pub problem: String,
}

impl Manifest {
    /// The SHA-1s (hex) of every object it names.
    pub fn objects(&self) -> impl Iterator<Item = &str> {
        self.originals
            .iter()
            .flat_map(|original| std::iter::once(original.sha1.as_str()).chain(original.sidecar.as_ref().map(|s| s.sha1.as_str())))
    }

    pub fn bytes(&self) -> u64 {
        self.originals.iter().map(|o| o.size + o.sidecar.as_ref().map_or(0, |s| s.size)).sum()
    }
}

/// What the admin page shows of one backup.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupSummary {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub originals: usize,
    pub bytes: u64,
    pub database_bytes: u64,
    pub problems: usize,
}

impl From<&Manifest> for BackupSummary {
    fn from(manifest: &Manifest) -> Self {
        BackupSummary {
            id: manifest.id.clone(),
            created_at: manifest.created_at,
            originals: manifest.originals.len(),
            bytes: manifest.bytes(),
            database_bytes: manifest.database.size,
            problems: manifest.problems.len(),
        }
    }
}

/// The ids of the target's backups, oldest first.
pub async fn ids(target: &Target) -> anyhow::Result<Vec<String>> {
    let listed: Vec<_> = target.store.list("manifests/").try_collect().await.context("cannot list the backups")?;
    let mut ids: Vec<String> = listed
        .iter()
        .filter_map(|file| file.key.as_str().strip_prefix("manifests/")?.strip_suffix(".json").map(str::to_owned))
        .collect();
    ids.sort();
    Ok(ids)
}

pub async fn read(target: &Target, id: &str) -> anyhow::Result<Manifest> {
    let key = Key::backup_manifest(id);
    let read = target.store.read(&key, None).await.with_context(|| format!("cannot read backup {id}"))?;
    let manifest: Manifest = serde_json::from_slice(&read_all(read).await?)
        .with_context(|| format!("backup {id}'s manifest is not a Shoebox manifest"))?;
    anyhow::ensure!(manifest.format == FORMAT, "backup {id} has manifest format {}, this version reads {FORMAT}", manifest.format);
    Ok(manifest)
}

pub async fn write(target: &Target, manifest: &Manifest) -> anyhow::Result<()> {
    let bytes = serde_json::to_vec(manifest)?;
    let mut writer = target.store.write(&Key::backup_manifest(&manifest.id), WriteMode::Create).await?;
    writer.write(bytes.into()).await?;
    writer.finish().await?;
    Ok(())
}

/// The target's backups, newest first.
pub async fn list_backups(target: &Target) -> anyhow::Result<Vec<BackupSummary>> {
    let mut summaries = Vec::new();
    for id in ids(target).await?.iter().rev() {
        summaries.push(BackupSummary::from(&read(target, id).await?));
    }
    Ok(summaries)
}

/// The SHA-1s (hex) of the objects already in the target.
pub async fn stored_objects(target: &Target) -> anyhow::Result<HashSet<String>> {
    let listed: Vec<_> = target.store.list("objects/").try_collect().await.context("cannot list the backed-up files")?;
    Ok(listed.iter().filter_map(|file| file.key.as_str().rsplit('/').next().map(str::to_owned)).collect())
}
