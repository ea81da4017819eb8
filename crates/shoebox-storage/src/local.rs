//! Files under one folder on a local disk (or a mounted one). A write goes to this process's
//! staging folder under `tmp/` (the same file system, so finishing is a link or a rename) and
//! appears under its key in one step.

use std::io;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use tempfile::TempPath;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::key::Key;
use crate::scratch::ProcessFolder;
use crate::store::{DiskSpace, Listed, LocalCopy, ObjectMeta, ObjectRead, ObjectWriter, Store, WriteMode};

/// The staging root under a local store; never listed as part of the library.
pub const STAGING_FOLDER: &str = "tmp";

#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
    staging: Arc<ProcessFolder>,
}

impl LocalStore {
    /// Opens (creating if needed) a store rooted at `root`, with a staging folder of this
    /// process's own; staging left by processes that are gone is removed.
    pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        let staging = Arc::new(ProcessFolder::open(&root.join(STAGING_FOLDER))?);
        Ok(Self { root, staging })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// This process's staging folder.
    pub fn staging_dir(&self) -> &Path {
        self.staging.path()
    }

    /// The file behind `key`.
    pub fn path_of(&self, key: &Key) -> PathBuf {
        self.root.join(key.as_str())
    }
}

struct LocalWriter {
    file: tokio::fs::File,
    staged: TempPath,
    target: PathBuf,
    mode: WriteMode,
    len: u64,
}

#[async_trait]
impl ObjectWriter for LocalWriter {
    async fn write(&mut self, chunk: Bytes) -> io::Result<()> {
        self.len += chunk.len() as u64;
        self.file.write_all(&chunk).await
    }

    async fn finish(self: Box<Self>) -> io::Result<ObjectMeta> {
        let LocalWriter { mut file, staged, target, mode, len } = *self;
        file.flush().await?;
        // The bytes must be on disk before the file gets its permanent name.
        file.sync_all().await?;
        drop(file);
        tokio::task::spawn_blocking(move || {
            let parent = target.parent().expect("a key always has a folder");
            std::fs::create_dir_all(parent)?;
            match mode {
                // A hard link never replaces an existing file; dropping `staged` then removes
                // the staging name, leaving exactly one copy.
                WriteMode::Create => std::fs::hard_link(&staged, &target)?,
                WriteMode::Replace => staged.persist(&target).map_err(|err| err.error)?,
            }
            std::fs::File::open(parent)?.sync_all()
        })
        .await
        .map_err(io::Error::other)??;
        Ok(ObjectMeta { len, etag: None })
    }
}

#[async_trait]
impl Store for LocalStore {
    fn location(&self) -> String {
        format!("file://{}", self.root.display())
    }

    async fn write(&self, key: &Key, mode: WriteMode) -> io::Result<Box<dyn ObjectWriter>> {
        let (file, staged) = self.staging.file(".part")?;
        Ok(Box::new(LocalWriter { file: tokio::fs::File::from_std(file), staged, target: self.path_of(key), mode, len: 0 }))
    }

    async fn read(&self, key: &Key, range: Option<RangeInclusive<u64>>) -> io::Result<ObjectRead> {
        let mut file = tokio::fs::File::open(self.path_of(key)).await?;
        let total_len = file.metadata().await?.len();
        let body: Pin<Box<dyn AsyncRead + Send>> = match range {
            None => Box::pin(file),
            Some(range) => {
                if *range.start() >= total_len || range.end() < range.start() {
                    return Err(io::Error::new(io::ErrorKind::InvalidInput, "range outside the file"));
                }
                file.seek(io::SeekFrom::Start(*range.start())).await?;
                Box::pin(file.take(range.end().min(&(total_len - 1)) - range.start() + 1))
            }
        };
        Ok(ObjectRead { total_len, etag: None, body })
    }

    async fn head(&self, key: &Key) -> io::Result<Option<ObjectMeta>> {
        match tokio::fs::metadata(self.path_of(key)).await {
            Ok(meta) if meta.is_file() => Ok(Some(ObjectMeta { len: meta.len(), etag: None })),
            Ok(_) => Ok(None),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    async fn delete(&self, key: &Key) -> io::Result<()> {
        match tokio::fs::remove_file(self.path_of(key)).await {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    fn list(&self, prefix: &str) -> BoxStream<'static, io::Result<Listed>> {
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        let (sender, receiver) = tokio::sync::mpsc::channel(256);
        tokio::task::spawn_blocking(move || walk(&root, &prefix, &sender));
        let mut receiver = receiver;
        futures::stream::poll_fn(move |cx| receiver.poll_recv(cx)).boxed()
    }

    async fn local_copy(&self, key: &Key) -> io::Result<LocalCopy> {
        let path = self.path_of(key);
        let meta = match tokio::fs::metadata(&path).await {
            Ok(meta) => meta,
            // The whole folder gone (a disk not mounted) may pass; one missing file will not.
            Err(err) if err.kind() == io::ErrorKind::NotFound && !self.staging_dir().is_dir() => {
                return Err(io::Error::other(format!("the storage folder {} is not there", self.root.display())));
            }
            Err(err) => return Err(err),
        };
        if !meta.is_file() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{key} is not a file")));
        }
        Ok(LocalCopy::borrowed(path))
    }

    async fn disk_space(&self) -> io::Result<Option<DiskSpace>> {
        let root = self.root.clone();
        let stat =
            tokio::task::spawn_blocking(move || rustix::fs::statvfs(&root)).await.map_err(io::Error::other)??;
        Ok(Some(DiskSpace { total: stat.f_blocks * stat.f_frsize, available: stat.f_bavail * stat.f_frsize }))
    }
}

/// Sends every file under `root` whose key starts with `prefix`, skipping staging.
fn walk(root: &Path, prefix: &str, sender: &tokio::sync::mpsc::Sender<io::Result<Listed>>) {
    // Start at the deepest folder the prefix names, so listing `upload/<user>/` reads only that.
    let folder = prefix.rsplit_once('/').map_or("", |(folder, _)| folder);
    let start = if folder.is_empty() { root.to_owned() } else { root.join(folder) };
    if !start.is_dir() {
        return;
    }
    let entries = walkdir::WalkDir::new(&start).into_iter().filter_entry(|entry| {
        entry.path().strip_prefix(root).map_or(true, |relative| !relative.starts_with(STAGING_FOLDER))
    });
    for entry in entries {
        let listed = entry.map_err(io::Error::other).and_then(|entry| {
            if !entry.file_type().is_file() {
                return Ok(None);
            }
            let relative = entry.path().strip_prefix(root).map_err(io::Error::other)?;
            let Some(relative) = relative.to_str().filter(|key| key.starts_with(prefix)) else { return Ok(None) };
            let meta = entry.metadata().map_err(io::Error::other)?;
            Ok(Some(Listed { key: Key::parse(relative)?, len: meta.len(), modified: meta.modified()? }))
        });
        let listed = match listed {
            Ok(None) => continue,
            Ok(Some(listed)) => Ok(listed),
            Err(err) => Err(err),
        };
        if sender.blocking_send(listed).is_err() {
            return; // The listing was dropped.
        }
    }
}
