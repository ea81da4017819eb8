//! Folders of this process's own for files in passing: uploads being received onto a local disk,
//! originals downloaded from an object store for ffmpeg or libheif, transcodes being written.
//!
//! Each process works in `<root>/<id>/` and holds an exclusive `flock` on it for as long as it
//! lives; the kernel drops the lock when the process dies, however it dies. A folder that can be
//! locked therefore belongs to no live process (a server or worker that crashed, on this machine
//! or in another container sharing the disk), and its files to no work in progress. Opening a
//! folder removes such leftovers. Downloads are bounded: together they hold at most the budget.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempPath;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// How long a loose file (directly in the root, as versions before per-process folders wrote
/// them) must sit unmodified before it counts as a crash's leftover.
pub const STALE_LOOSE_FILE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Budget is counted in whole mebibytes, so that any file size fits a semaphore's permits.
const UNIT: u64 = 1 << 20;

/// This process's locked folder under a shared root.
#[derive(Debug)]
pub struct ProcessFolder {
    folder: PathBuf,
    /// The open folder the lock is held on.
    _lock: std::fs::File,
}

impl ProcessFolder {
    /// Creates and locks a folder of this process's own under `root`, and removes the folders
    /// of processes that are gone. The folder is made under a name sweeps skip (`.new-<id>`)
    /// and renamed once locked, so a sweep never sees it unlocked.
    pub fn open(root: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(root)?;
        let id = Uuid::new_v4().simple().to_string();
        let creating = root.join(format!(".new-{id}"));
        std::fs::create_dir(&creating)?;
        let lock = std::fs::File::open(&creating)?;
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive)?;
        let folder = root.join(id);
        std::fs::rename(&creating, &folder)?;
        sweep(root, &folder)?;
        Ok(Self { folder, _lock: lock })
    }

    pub fn path(&self) -> &Path {
        &self.folder
    }

    /// A new file in this folder, removed when the returned path is dropped.
    pub fn file(&self, suffix: &str) -> io::Result<(std::fs::File, TempPath)> {
        Ok(tempfile::Builder::new().suffix(suffix).tempfile_in(&self.folder)?.into_parts())
    }
}

impl Drop for ProcessFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// Removes the folders no live process holds, and loose files older than [`STALE_LOOSE_FILE`].
fn sweep(root: &Path, own: &Path) -> io::Result<()> {
    let now = std::time::SystemTime::now();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let path = entry.path();
        let meta = match entry.metadata() {
            Ok(meta) => meta,
            // Another process's sweep removed it meanwhile.
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        };
        let age = meta.modified().ok().and_then(|modified| now.duration_since(modified).ok());
        let stale = age.is_some_and(|age| age >= STALE_LOOSE_FILE);
        let being_created = entry.file_name().to_string_lossy().starts_with(".new-");
        if meta.is_dir() && path != own && (!being_created || stale) {
            remove_if_unowned(&path)?;
        } else if meta.is_file() && stale {
            remove_missing_ok(std::fs::remove_file(&path))?;
        }
    }
    Ok(())
}

fn remove_if_unowned(folder: &Path) -> io::Result<()> {
    let handle = match std::fs::File::open(folder) {
        Ok(handle) => handle,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    match rustix::fs::flock(&handle, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => remove_missing_ok(std::fs::remove_dir_all(folder)),
        // Locked: its process is alive and may be receiving an upload.
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

fn remove_missing_ok(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// Scratch space for downloaded copies: a process folder and a byte budget shared by every copy.
#[derive(Debug, Clone)]
pub struct Scratch {
    folder: Arc<ProcessFolder>,
    budget: Arc<Semaphore>,
    budget_units: u32,
}

/// A share of the scratch budget, given back when dropped.
#[derive(Debug)]
pub struct ScratchShare {
    _permit: OwnedSemaphorePermit,
}

impl Scratch {
    pub fn open(root: &Path, max_bytes: u64) -> io::Result<Self> {
        let budget_units = u32::try_from((max_bytes / UNIT).max(1)).unwrap_or(u32::MAX >> 3);
        let budget_units = budget_units.min(Semaphore::MAX_PERMITS as u32);
        Ok(Self {
            folder: Arc::new(ProcessFolder::open(root)?),
            budget: Arc::new(Semaphore::new(budget_units as usize)),
            budget_units,
        })
    }

    pub fn folder(&self) -> &ProcessFolder {
        &self.folder
    }

    /// Waits until `len` bytes fit beside the copies already held. A file larger than the whole
    /// budget waits until it can have all of it, so it runs alone rather than never.
    pub async fn reserve(&self, len: u64) -> ScratchShare {
        let units = u32::try_from(len.div_ceil(UNIT).max(1)).unwrap_or(u32::MAX).min(self.budget_units);
        let permit = self.budget.clone().acquire_many_owned(units).await.expect("the scratch budget is never closed");
        ScratchShare { _permit: permit }
    }

    /// The bytes of the budget not held by a copy right now.
    pub fn available_bytes(&self) -> u64 {
        self.budget.available_permits() as u64 * UNIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_folder_is_kept_and_a_dead_ones_is_cleared() {
        let root = tempfile::tempdir().unwrap();
        let live = ProcessFolder::open(root.path()).unwrap();
        let receiving = live.path().join("upload-in-progress");
        std::fs::write(&receiving, b"still arriving").unwrap();
        // A folder nobody holds, as a killed process leaves it.
        let orphan = root.path().join("0123456789abcdef0123456789abcdef");
        std::fs::create_dir_all(&orphan).unwrap();
        std::fs::write(orphan.join("cut-upload"), b"half").unwrap();

        let other = ProcessFolder::open(root.path()).unwrap();
        assert!(receiving.exists(), "a live process's file is kept");
        assert!(!orphan.exists(), "a dead process's folder goes at once, whatever its age");
        assert_ne!(other.path(), live.path());
        let folder = live.path().to_owned();
        drop(live);
        assert!(!folder.exists(), "a process folder is removed when it is dropped");
    }

    #[test]
    fn stale_loose_files_go_and_young_ones_stay() {
        let root = tempfile::tempdir().unwrap();
        let stale = root.path().join("crashed-upload");
        std::fs::write(&stale, b"half").unwrap();
        let two_hours_ago = std::time::SystemTime::now() - 2 * STALE_LOOSE_FILE;
        std::fs::File::options().write(true).open(&stale).unwrap().set_modified(two_hours_ago).unwrap();
        let young = root.path().join("upload-in-progress");
        std::fs::write(&young, b"still arriving").unwrap();

        ProcessFolder::open(root.path()).unwrap();
        assert!(!stale.exists());
        assert!(young.exists());
    }

    #[tokio::test]
    async fn copies_wait_for_the_budget_and_an_oversized_one_runs_alone() {
        let root = tempfile::tempdir().unwrap();
        let scratch = Scratch::open(root.path(), 10 * UNIT).unwrap();
        let first = scratch.reserve(6 * UNIT).await;
        assert_eq!(scratch.available_bytes(), 4 * UNIT);
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(50), scratch.reserve(6 * UNIT)).await;
        assert!(waiting.is_err(), "a second copy that does not fit waits");
        drop(first);
        let huge = scratch.reserve(100 * UNIT).await;
        assert_eq!(scratch.available_bytes(), 0, "a file larger than the budget takes all of it");
        drop(huge);
        assert_eq!(scratch.available_bytes(), 10 * UNIT);
    }
}
