//! Settings of the library's safety net: where backups go (`SHOEBOX_BACKUP_TARGET`), when the
//! nightly backup and scrub run, how many backups are kept, what share of the originals a night's
//! scrub reads, and which PostgreSQL tools dump and restore the database.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::NaiveTime;

use crate::storage_settings::StorageLocation;

#[derive(Debug, Clone, PartialEq)]
pub struct BackupConfig {
    /// `SHOEBOX_BACKUP_TARGET`: a folder (another disk) or `s3://bucket/prefix` (reached with
    /// the `SHOEBOX_S3_*` settings). Unset, there are no backups.
    pub target: Option<StorageLocation>,
    /// `SHOEBOX_BACKUP_TIME` (`HH:MM`, UTC, default 02:30, or `off`): when the nightly backup
    /// starts; a night missed while no worker ran is made up once one does.
    pub time: Option<NaiveTime>,
    /// `SHOEBOX_BACKUP_KEEP` (default 14): backups kept; older ones are removed, and with them
    /// the originals no kept backup names.
    pub keep: usize,
    /// `SHOEBOX_SCRUB_TIME` (`HH:MM`, UTC, default 04:00, or `off`): when the nightly scrub starts.
    pub scrub_time: Option<NaiveTime>,
    /// `SHOEBOX_SCRUB_PERCENT` (default 5): the share of originals a night's scrub re-reads, the
    /// ones read longest ago first, so the whole library is read every 20 nights.
    pub scrub_percent: f64,
    /// `SHOEBOX_PG_DUMP` and `SHOEBOX_PG_RESTORE`: PostgreSQL's tools, of the server's version.
    pub pg_dump: PathBuf,
    pub pg_restore: PathBuf,
    /// `SHOEBOX_MAINTENANCE_POLL_SECS` (default 5): how often a worker looks for runs to take.
    pub poll: Duration,
}

impl BackupConfig {
    pub(crate) fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
        location: &dyn Fn(&str) -> Result<Option<StorageLocation>>,
    ) -> Result<Self> {
        let time = |key: &str, default: &str| -> Result<Option<NaiveTime>> {
            let raw = lookup(key).unwrap_or_else(|| default.to_owned());
            if raw.trim() == "off" {
                return Ok(None);
            }
            let time = NaiveTime::parse_from_str(raw.trim(), "%H:%M")
                .with_context(|| format!("{key}={raw:?} is not a time as HH:MM (or off)"))?;
            Ok(Some(time))
        };
        let number = |key: &str, default: &str| -> Result<f64> {
            let raw = lookup(key).unwrap_or_else(|| default.to_owned());
            raw.trim().parse::<f64>().with_context(|| format!("{key}={raw:?} is not a number"))
        };
        let keep = number("SHOEBOX_BACKUP_KEEP", "14")?;
        anyhow::ensure!(keep >= 1.0 && keep.fract() == 0.0, "SHOEBOX_BACKUP_KEEP must be a whole number of at least 1");
        let scrub_percent = number("SHOEBOX_SCRUB_PERCENT", "5")?;
        anyhow::ensure!((0.0..=100.0).contains(&scrub_percent), "SHOEBOX_SCRUB_PERCENT must be between 0 and 100");
        Ok(Self {
            target: location("SHOEBOX_BACKUP_TARGET")?,
            time: time("SHOEBOX_BACKUP_TIME", "02:30")?,
            keep: keep as usize,
            scrub_time: time("SHOEBOX_SCRUB_TIME", "04:00")?,
            scrub_percent,
            pg_dump: PathBuf::from(lookup("SHOEBOX_PG_DUMP").unwrap_or_else(|| "pg_dump".to_owned())),
            pg_restore: PathBuf::from(lookup("SHOEBOX_PG_RESTORE").unwrap_or_else(|| "pg_restore".to_owned())),
            poll: Duration::from_secs_f64(number("SHOEBOX_MAINTENANCE_POLL_SECS", "5")?.max(0.2)),
        })
    }
}

/// The last moment at or before `now` when a run set for `at` (UTC, daily) should have started.
pub fn last_scheduled(now: chrono::DateTime<chrono::Utc>, at: NaiveTime) -> chrono::DateTime<chrono::Utc> {
    let today = now.date_naive().and_time(at).and_utc();
    if today <= now { today } else { today - chrono::Duration::days(1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nightly_run_is_due_once_its_time_has_passed() {
        let at = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let before = "2026-12-02T01:00:00Z".parse().unwrap();
        let after = "2026-12-02T02:31:00Z".parse().unwrap();
        assert_eq!(last_scheduled(before, at).to_rfc3339(), "2026-12-01T02:30:00+00:00");
        assert_eq!(last_scheduled(after, at).to_rfc3339(), "2026-12-02T02:30:00+00:00");
        let off = BackupConfig::from_lookup(&|key| (key == "SHOEBOX_BACKUP_TIME").then(|| "off".to_owned()), &|_| Ok(None));
        assert_eq!(off.unwrap().time, None);
        let bad = BackupConfig::from_lookup(&|key| (key == "SHOEBOX_BACKUP_KEEP").then(|| "0".to_owned()), &|_| Ok(None));
        assert!(bad.is_err());
    }
}
