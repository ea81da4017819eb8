//! The orphan sweep (`shoebox-worker storage sweep`, `GET`/`DELETE /api/admin/storage/orphans`):
//! finds files in storage that no row names (an upload placed just before its server died, before
//! the row was committed; a file left by a crash between removing a row and its file) and, when
//! asked, removes them. A dry run only reports. Files younger than the minimum age are left
//! alone: their row may be committing now. Which keys rows name is the caller's to answer (the
//! database is not this crate's).

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use futures::{StreamExt, TryStreamExt};

use crate::{Key, Storage};

/// Listed files looked up in the database at once.
const BATCH: usize = 500;

#[derive(Debug, Default)]
pub struct SweepReport {
    pub listed: u64,
    /// Files no row names, old enough to be orphans, with their sizes.
    pub orphans: Vec<(Key, u64)>,
    /// Unnamed but younger than the minimum age: perhaps an upload committing right now.
    pub too_young: u64,
    pub removed: u64,
}

impl SweepReport {
    pub fn orphan_bytes(&self) -> u64 {
        self.orphans.iter().map(|(_, len)| len).sum()
    }
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "files in storage: {}", self.listed)?;
        writeln!(f, "named by no row: {} ({} bytes)", self.orphans.len(), self.orphan_bytes())?;
        for (key, len) in self.orphans.iter().take(50) {
            writeln!(f, "  {key} ({len} bytes)")?;
        }
        if self.orphans.len() > 50 {
            writeln!(f, "  … and {} more", self.orphans.len() - 50)?;
        }
        writeln!(f, "left alone as too young: {}", self.too_young)?;
        writeln!(f, "removed: {}", self.removed)
    }
}

/// Lists every store's folders, asks `named_among` which listed keys some row names, and reports
/// (with `delete`, also removes) the others older than `min_age`.
pub async fn sweep<Lookup, Named>(
    storage: &Storage,
    min_age: Duration,
    delete: bool,
    mut named_among: Lookup,
) -> anyhow::Result<SweepReport>
where
    Lookup: FnMut(Vec<String>) -> Named,
    Named: std::future::Future<Output = anyhow::Result<HashSet<String>>>,
{
    let mut report = SweepReport::default();
    let now = SystemTime::now();
    for (store, folders) in storage.stores() {
        for folder in folders {
            let mut batches = store.list(folder).try_chunks(BATCH);
            while let Some(batch) = batches.next().await {
                let batch = batch.map_err(|err| err.1)?;
                report.listed += batch.len() as u64;
                let keys: Vec<String> = batch.iter().map(|listed| listed.key.as_str().to_owned()).collect();
                let named = named_among(keys).await?;
                for listed in batch.into_iter().filter(|listed| !named.contains(listed.key.as_str())) {
                    let age = now.duration_since(listed.modified).unwrap_or_default();
                    if age < min_age {
                        report.too_young += 1;
                        continue;
                    }
                    if delete {
                        store.delete(&listed.key).await?;
                        report.removed += 1;
                    }
                    report.orphans.push((listed.key, listed.len));
                }
            }
        }
    }
    Ok(report)
}
