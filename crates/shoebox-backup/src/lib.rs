//! The library's safety net. A backup is a database dump plus every original and sidecar,
//! stored by SHA-1 so each is kept once however many backups name it, and a manifest per backup
//! (written last) listing what it holds. A restore brings a backup onto an empty installation
//! and checks every original against its manifest. The scrub re-reads originals and finds those
//! whose bytes no longer match their SHA-1, or that are gone; a backup repairs them.
//!
//! A backup target is any storage location (a folder on another disk, an S3 bucket), opened as
//! a [`Store`]; its layout is `manifests/`, `database/` and `objects/` (see `shoebox_storage::Key`).

mod backup;
mod copy;
pub mod manifest;
mod restore;
mod scrub;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use shoebox_core::Config;
use shoebox_core::config::StorageLocation;
use shoebox_storage::Store;

pub use backup::{BackupReport, backup};
pub use manifest::{Manifest, list_backups, BackupSummary};
pub use restore::{RestoreReport, restore};
pub use scrub::{RepairOutcome, ScrubReport, repair, scrub};

/// Where backups are kept.
#[derive(Debug, Clone)]
pub struct Target {
    pub store: Arc<dyn Store>,
    pub location: StorageLocation,
}

impl Target {
    /// Opens `location` as a backup target, with the installation's S3 settings.
    pub fn open(config: &Config, location: &StorageLocation) -> anyhow::Result<Target> {
        let store = shoebox_storage::open_at(location, &config.storage())?;
        Ok(Target { store, location: location.clone() })
    }

    /// The target the settings name (`SHOEBOX_BACKUP_TARGET`), if any.
    pub fn configured(config: &Config) -> anyhow::Result<Option<Target>> {
        config.backup.target.as_ref().map(|location| Target::open(config, location)).transpose()
    }
}

/// How far a run has got, shared with whoever reports it (the worker's heartbeat, a CLI bar).
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicI64,
    /// -1 until known.
    pub total: AtomicI64,
}

impl Progress {
    pub fn new() -> Arc<Self> {
        Arc::new(Progress { done: AtomicI64::new(0), total: AtomicI64::new(-1) })
    }

    pub fn set_total(&self, total: usize) {
        self.total.store(total as i64, Ordering::Relaxed);
    }

    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    pub fn read(&self) -> (i64, Option<i64>) {
        let total = self.total.load(Ordering::Relaxed);
        (self.done.load(Ordering::Relaxed), (total >= 0).then_some(total))
    }
}
