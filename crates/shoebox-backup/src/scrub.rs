//! The scrub: re-reads originals and compares their bytes with the SHA-1 taken at upload, so bit
//! rot and lost files are found while a backup still holds the good copy; and the repair that
//! puts that copy back.

use std::io;
use std::sync::Arc;

use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use shoebox_db::PgPool;
use shoebox_db::integrity::{self, Reading};
use shoebox_storage::{Key, Storage, WriteMode};
use uuid::Uuid;

use crate::copy::{Checked, hash, stream_checked};
use crate::{Progress, Target};

const PARALLEL_READS: usize = 2;

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScrubReport {
    pub read: usize,
    pub matched: usize,
    pub mismatched: usize,
    pub missing: usize,
    /// Could not be read this time (storage unreachable): read again next time.
    pub unreadable: usize,
    pub bytes: u64,
    pub seconds: f64,
}

impl std::fmt::Display for ScrubReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "scrub: read {} originals ({} bytes) in {:.1} s", self.read, self.bytes, self.seconds)?;
        writeln!(f, "  matched their SHA-1: {}; did not: {}; missing: {}; unreadable: {}", self.matched, self.mismatched, self.missing, self.unreadable)
    }
}

/// Reads `percent` of the originals (those read longest ago first) and records each reading.
pub async fn scrub(db: &PgPool, storage: &Storage, percent: f64, progress: Arc<Progress>) -> anyhow::Result<ScrubReport> {
    let started = std::time::Instant::now();
    let due = integrity::due_for_scrub(db, percent).await?;
    progress.set_total(due.len());
    let readings: Vec<(Option<Reading>, u64)> = futures::stream::iter(due)
        .map(|original| {
            let progress = progress.clone();
            async move {
                let key = Key::parse(original.original_path.as_str())?;
                let reading = match storage.read(&key, None).await {
                    Err(err) if err.kind() == io::ErrorKind::NotFound => (Some(Reading::Missing), 0),
                    Err(err) => {
                        tracing::warn!(%key, error = %err, "scrub could not read an original");
                        (None, 0)
                    }
                    Ok(read) => match hash(read).await {
                        Ok((sha1, len)) if sha1 == original.checksum => (Some(Reading::Matched), len),
                        Ok((found, len)) => (Some(Reading::Mismatch { found }), len),
                        Err(err) => {
                            tracing::warn!(%key, error = %err, "scrub could not read an original");
                            (None, 0)
                        }
                    },
                };
                if let (Some(reading), _) = &reading {
                    integrity::record(db, original.asset_id, reading).await?;
                }
                progress.step();
                anyhow::Ok(reading)
            }
        })
        .buffer_unordered(PARALLEL_READS)
        .try_collect()
        .await?;
    let mut report = ScrubReport { read: readings.len(), ..Default::default() };
    for (reading, len) in readings {
        report.bytes += len;
        match reading {
            Some(Reading::Matched) => report.matched += 1,
            Some(Reading::Mismatch { .. }) => report.mismatched += 1,
            Some(Reading::Missing) => report.missing += 1,
            None => report.unreadable += 1,
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// How a repair ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepairOutcome {
    /// The good copy is back, from this backup object.
    Repaired { from: String },
    /// The scrub has found nothing wrong with that asset.
    NoProblem,
    /// No backup in the target holds the original's bytes.
    NotBackedUp,
}

/// Puts the backed-up copy of a damaged or missing original back in place, checking its SHA-1.
pub async fn repair(db: &PgPool, storage: &Storage, target: &Target, asset: Uuid) -> anyhow::Result<RepairOutcome> {
    let Some(problem) = integrity::problem(db, asset).await? else { return Ok(RepairOutcome::NoProblem) };
    let object = Key::backup_object(&problem.checksum);
    let read = match target.store.read(&object, None).await {
        Ok(read) => read,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(RepairOutcome::NotBackedUp),
        Err(err) => return Err(anyhow::Error::new(err).context("cannot read the backup")),
    };
    let key = Key::parse(problem.original_path.as_str())?;
    let writer = storage.write(&key, WriteMode::Replace).await?;
    match stream_checked(read, writer, Some(&problem.checksum)).await.context("restoring the original")? {
        (Checked::Written(_), _) => {
            integrity::record(db, asset, &Reading::Matched).await?;
            Ok(RepairOutcome::Repaired { from: object.into_string() })
        }
        // The backup itself is damaged: nothing was written.
        (Checked::Mismatch(_), _) => Ok(RepairOutcome::NotBackedUp),
    }
}
