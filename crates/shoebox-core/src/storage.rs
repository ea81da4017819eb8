//! Where originals and derived files live. `Storage` hides the backend; `LocalStorage` keeps
//! everything under one folder on disk. Keys are relative, `/`-separated paths such as
//! `upload/<user>/ab/cd/<asset>.jpg`.

use std::io;
use std::ops::RangeInclusive;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;

use async_trait::async_trait;
use tempfile::TempPath;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt};
use uuid::Uuid;

/// Bytes of a stored file, possibly only a range of it.
pub struct ObjectRead {
    /// Length of the whole stored file, whatever range was asked for.
    pub total_len: u64,
    pub body: Pin<Box<dyn AsyncRead + Send>>,
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// A local folder for files being received; it must be on the same file system as the store
    /// for local disks, so that committing is a rename.
    fn staging_dir(&self) -> &Path;

    /// Moves a fully written staging file into the store under `key`, replacing nothing:
    /// fails with `AlreadyExists` when the key is taken.
    async fn commit(&self, staged: TempPath, key: &str) -> io::Result<()>;

    /// Reads a stored file, or the inclusive byte `range` of it.
    async fn read(&self, key: &str, range: Option<RangeInclusive<u64>>) -> io::Result<ObjectRead>;

    /// Size in bytes, or `None` when nothing is stored under `key`.
    async fn size(&self, key: &str) -> io::Result<Option<u64>>;

    /// Removes a stored file; removing a missing one is not an error.
    async fn delete(&self, key: &str) -> io::Result<()>;

    /// Stores `bytes` under `key`, replacing what was there in one step (readers see the old
    /// file or the new one, never a mix). For files the worker derives and may remake.
    async fn put(&self, key: &str, bytes: Vec<u8>) -> io::Result<()>;

    /// A path on this machine holding the file, for tools that read files by name (ffmpeg,
    /// libheif). The local store returns the file itself.
    async fn local_path(&self, key: &str) -> io::Result<PathBuf>;

    /// A file in staging that `persist_staged` can later move under a key, for tools that
    /// write files by name.
    fn staging_file(&self, suffix: &str) -> io::Result<TempPath> {
        Ok(tempfile::Builder::new().suffix(suffix).tempfile_in(self.staging_dir())?.into_temp_path())
    }

    /// Moves a finished staging file under `key`, replacing what was there.
    async fn persist_staged(&self, staged: TempPath, key: &str) -> io::Result<()>;

    /// Size and free space of the disk holding the library, when the backend has one.
    async fn disk_space(&self) -> io::Result<Option<DiskSpace>> {
        Ok(None)
    }
}

/// Bytes on the disk under a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskSpace {
    pub total: u64,
    /// What an unprivileged process may still write.
    pub available: u64,
}

/// The key of a file derived from an asset, beside its siblings: `thumbs/<owner>/ab/cd/<asset>-<name>`.
pub fn derived_key(folder: &str, owner: Uuid, asset: Uuid, name: &str) -> String {
    let id = asset.simple().to_string();
    format!("{folder}/{owner}/{}/{}/{asset}-{name}", &id[..2], &id[2..4])
}

/// The key under which an uploaded original is kept: spread over two folder levels so that no
/// folder grows to millions of entries.
pub fn original_key(owner: Uuid, asset: Uuid, extension: &str) -> String {
    let id = asset.simple().to_string();
    format!("upload/{owner}/{}/{}/{asset}.{extension}", &id[..2], &id[2..4])
}

/// How long a loose staging file (directly in `tmp/`, as versions before per-process staging
/// folders wrote them) must sit unmodified before start-up removes it as a crash's leftover.
pub const STALE_STAGING: std::time::Duration = std::time::Duration::from_secs(3600);

/// Files under one folder on a local disk.
#[derive(Debug, Clone)]
pub struct LocalStorage {
    root: PathBuf,
    staging: PathBuf,
    /// Keeps this process's staging folder locked while any clone is alive.
    _staging_owner: std::sync::Arc<StagingOwner>,
}

/// Each process stages into its own folder `tmp/<id>/` and holds an exclusive `flock` on it for
/// as long as it lives; the kernel drops the lock when the process dies, however it dies. A
/// folder that can be locked therefore belongs to no live process (a server or worker that
/// crashed, on this machine or in another container sharing the disk), and its files belong to
/// no upload in progress.
#[derive(Debug)]
struct StagingOwner {
    folder: PathBuf,
    /// The open folder the lock is held on.
    _lock: std::fs::File,
}

impl Drop for StagingOwner {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

impl LocalStorage {
    /// Opens (creating if needed) a store rooted at `root` with a staging folder of this
    /// process's own, and clears the staging folders of processes that are gone: servers and
    /// workers share `tmp/`, and a live one's folder stays locked.
    pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        let staging_root = root.join("tmp");
        std::fs::create_dir_all(&staging_root)?;
        let owner = StagingOwner::create(&staging_root)?;
        sweep_staging(&staging_root, &owner.folder)?;
        Ok(Self { root, staging: owner.folder.clone(), _staging_owner: std::sync::Arc::new(owner) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file behind `key`; refuses keys that would leave the root.
    pub fn path_of(&self, key: &str) -> io::Result<PathBuf> {
        let relative = Path::new(key);
        let safe = !key.is_empty() && relative.components().all(|component| matches!(component, Component::Normal(_)));
        if !safe {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unsafe storage key {key:?}")));
        }
        Ok(self.root.join(relative))
    }
}

impl StagingOwner {
    /// Makes and locks the folder under a name sweeps skip (`.new-<id>`), then gives it its
    /// real name: a sweep never sees a folder before it is locked.
    fn create(staging_root: &Path) -> io::Result<Self> {
        let id = Uuid::new_v4().simple().to_string();
        let creating = staging_root.join(format!(".new-{id}"));
        std::fs::create_dir(&creating)?;
        let lock = std::fs::File::open(&creating)?;
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive)?;
        let folder = staging_root.join(id);
        std::fs::rename(&creating, &folder)?;
        Ok(Self { folder, _lock: lock })
    }
}

/// Removes the staging folders no live process holds, and loose staging files older than
/// [`STALE_STAGING`].
fn sweep_staging(staging_root: &Path, own: &Path) -> io::Result<()> {
    let now = std::time::SystemTime::now();
    for entry in std::fs::read_dir(staging_root)? {
        let entry = entry?;
        let path = entry.path();
        let meta = entry.metadata()?;
        let age = meta.modified().ok().and_then(|modified| now.duration_since(modified).ok());
        let stale = age.is_some_and(|age| age >= STALE_STAGING);
        let being_created = entry.file_name().to_string_lossy().starts_with(".new-");
        if meta.is_dir() && path != own && (!being_created || stale) {
            remove_if_unowned(&path)?;
        } else if meta.is_file() && stale {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

fn remove_if_unowned(folder: &Path) -> io::Result<()> {
    let handle = match std::fs::File::open(folder) {
        Ok(handle) => handle,
        // Another process's sweep removed it first.
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    match rustix::fs::flock(&handle, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => match std::fs::remove_dir_all(folder) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        },
        // Locked: its process is alive and may be receiving an upload.
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

#[async_trait]
impl Storage for LocalStorage {
    fn staging_dir(&self) -> &Path {
        &self.staging
    }

    async fn disk_space(&self) -> io::Result<Option<DiskSpace>> {
        let root = self.root.clone();
        let stat =
            tokio::task::spawn_blocking(move || rustix::fs::statvfs(&root)).await.map_err(io::Error::other)??;
        Ok(Some(DiskSpace { total: stat.f_blocks * stat.f_frsize, available: stat.f_bavail * stat.f_frsize }))
    }

    async fn commit(&self, staged: TempPath, key: &str) -> io::Result<()> {
        let target = self.path_of(key)?;
        tokio::task::spawn_blocking(move || {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // A hard link never replaces an existing file; dropping `staged` then removes the name
            // in staging, leaving exactly one copy.
            std::fs::hard_link(&staged, &target)?;
            if let Some(parent) = target.parent() {
                std::fs::File::open(parent)?.sync_all()?;
            }
            drop(staged);
            Ok(())
        })
        .await
        .map_err(io::Error::other)?
    }

    async fn read(&self, key: &str, range: Option<RangeInclusive<u64>>) -> io::Result<ObjectRead> {
        let mut file = tokio::fs::File::open(self.path_of(key)?).await?;
        let total_len = file.metadata().await?.len();
        let body: Pin<Box<dyn AsyncRead + Send>> = match range {
            None => Box::pin(file),
            Some(range) => {
                file.seek(io::SeekFrom::Start(*range.start())).await?;
                Box::pin(file.take(range.end() - range.start() + 1))
            }
        };
        Ok(ObjectRead { total_len, body })
    }

    async fn size(&self, key: &str) -> io::Result<Option<u64>> {
        match tokio::fs::metadata(self.path_of(key)?).await {
            Ok(meta) => Ok(Some(meta.len())),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    async fn delete(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path_of(key)?).await {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> io::Result<()> {
        let staged = self.staging_file(".part")?;
        let path = staged.to_path_buf();
        tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let mut file = std::fs::File::create(&path)?;
            file.write_all(&bytes)?;
            file.sync_all()
        })
        .await
        .map_err(io::Error::other)??;
        self.persist_staged(staged, key).await
    }

    async fn local_path(&self, key: &str) -> io::Result<PathBuf> {
        let path = self.path_of(key)?;
        tokio::fs::metadata(&path).await?;
        Ok(path)
    }

    async fn persist_staged(&self, staged: TempPath, key: &str) -> io::Result<()> {
        let target = self.path_of(key)?;
        tokio::task::spawn_blocking(move || {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            staged.persist(&target).map_err(|err| err.error)
        })
        .await
        .map_err(io::Error::other)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn staged(storage: &LocalStorage, bytes: &[u8]) -> TempPath {
        let mut file = tempfile::NamedTempFile::new_in(storage.staging_dir()).unwrap();
        file.write_all(bytes).unwrap();
        file.into_temp_path()
    }

    #[tokio::test]
    async fn commit_then_read_whole_and_range() {
        let dir = tempfile::tempdir().unwrap();
        let storage = LocalStorage::open(dir.path()).unwrap();
        storage.commit(staged(&storage, b"0123456789"), "upload/a/b.jpg").await.unwrap();
        assert_eq!(std::fs::read_dir(storage.staging_dir()).unwrap().count(), 0, "staging copy must go");

        let mut whole = String::new();
        storage.read("upload/a/b.jpg", None).await.unwrap().body.read_to_string(&mut whole).await.unwrap();
        assert_eq!(whole, "0123456789");

        let read = storage.read("upload/a/b.jpg", Some(2..=4)).await.unwrap();
        assert_eq!(read.total_len, 10);
        let mut part = String::new();
        Box::into_pin(Box::new(read.body)).read_to_string(&mut part).await.unwrap();
        assert_eq!(part, "234");
    }

    #[tokio::test]
    async fn commit_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let storage = LocalStorage::open(dir.path()).unwrap();
        storage.commit(staged(&storage, b"first"), "k.jpg").await.unwrap();
        let err = storage.commit(staged(&storage, b"second"), "k.jpg").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(dir.path().join("k.jpg")).unwrap(), b"first");
    }

    #[tokio::test]
    async fn keys_cannot_escape_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let storage = LocalStorage::open(dir.path()).unwrap();
        for key in ["../etc/passwd", "/etc/passwd", "a/../../b", ""] {
            assert_eq!(storage.size(key).await.unwrap_err().kind(), io::ErrorKind::InvalidInput, "{key}");
        }
        assert_eq!(storage.size("missing.jpg").await.unwrap(), None);
        storage.delete("missing.jpg").await.unwrap();
    }

    #[test]
    fn opening_clears_stale_staging_files_but_not_uploads_in_progress() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        let stale = dir.path().join("tmp/crashed-upload");
        std::fs::write(&stale, b"half").unwrap();
        let two_hours_ago = std::time::SystemTime::now() - 2 * STALE_STAGING;
        std::fs::File::options().write(true).open(&stale).unwrap().set_modified(two_hours_ago).unwrap();
        let in_progress = dir.path().join("tmp/upload-in-progress");
        std::fs::write(&in_progress, b"still arriving").unwrap();

        LocalStorage::open(dir.path()).unwrap();
        assert!(!stale.exists(), "a crash's leftover is removed");
        assert!(in_progress.exists(), "another process's upload in progress is kept");
    }

    #[test]
    fn a_live_stores_staging_is_kept_and_a_dropped_ones_is_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let live = LocalStorage::open(dir.path()).unwrap();
        let receiving = live.staging_dir().join("upload-in-progress");
        std::fs::write(&receiving, b"still arriving").unwrap();
        // A folder nobody holds, as a killed process leaves it.
        let orphan = dir.path().join("tmp/0123456789abcdef0123456789abcdef");
        std::fs::create_dir_all(&orphan).unwrap();
        std::fs::write(orphan.join("cut-upload"), b"half").unwrap();

        let other = LocalStorage::open(dir.path()).unwrap();
        assert!(receiving.exists(), "a live store's upload in progress is kept");
        assert!(!orphan.exists(), "a dead process's staging goes at once, whatever its age");
        assert_ne!(other.staging_dir(), live.staging_dir());
        let folder = live.staging_dir().to_owned();
        drop(live);
        assert!(!folder.exists(), "the last clone of a store removes its own staging folder");
    }

    #[tokio::test]
    async fn put_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let storage = LocalStorage::open(dir.path()).unwrap();
        storage.put("thumbs/a.webp", b"old and long".to_vec()).await.unwrap();
        storage.put("thumbs/a.webp", b"new".to_vec()).await.unwrap();
        assert_eq!(std::fs::read(storage.local_path("thumbs/a.webp").await.unwrap()).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(storage.staging_dir()).unwrap().count(), 0);
        assert_eq!(storage.local_path("thumbs/missing.webp").await.unwrap_err().kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn original_keys_fan_out() {
        let asset = Uuid::parse_str("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let owner = Uuid::nil();
        assert_eq!(
            original_key(owner, asset, "jpg"),
            format!("upload/{owner}/0f/8f/0f8fad5b-d9cb-469f-a165-70867728950e.jpg")
        );
    }
}
