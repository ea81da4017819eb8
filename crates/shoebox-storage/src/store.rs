//! The one interface every backend implements. A write streams in and becomes visible only when
//! finished (readers see the old file or the new one, never a part); a read streams out, whole or
//! a byte range; a tool that needs a file by name gets a scoped local copy.

use std::io;
use std::ops::{Deref, RangeInclusive};
use std::path::{Path, PathBuf};
use std::pin::Pin;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use tokio::io::AsyncRead;

use crate::key::Key;

/// Whether a write may take the place of a file already stored under its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Fails with `AlreadyExists` when the key is taken: originals are never overwritten.
    Create,
    /// Replaces what was there in one step: derived files the worker may remake.
    Replace,
}

/// What is known of a stored file without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    pub len: u64,
    /// The backend's entity tag, when it keeps one (S3 does; a local disk does not).
    pub etag: Option<String>,
}

/// Bytes of a stored file, possibly only a range of it.
pub struct ObjectRead {
    /// Length of the whole stored file, whatever range was asked for.
    pub total_len: u64,
    pub etag: Option<String>,
    pub body: Pin<Box<dyn AsyncRead + Send>>,
}

/// A file found by [`Store::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub key: Key,
    pub len: u64,
    /// When it was last written; sweeps leave young files alone.
    pub modified: std::time::SystemTime,
}

/// A write in progress. Dropping it unfinished abandons the write: nothing appears under the key.
#[async_trait]
pub trait ObjectWriter: Send {
    async fn write(&mut self, chunk: Bytes) -> io::Result<()>;

    /// Makes the bytes written so far the file under the key. With [`WriteMode::Create`] this
    /// fails with `AlreadyExists` when the key was taken meanwhile.
    async fn finish(self: Box<Self>) -> io::Result<ObjectMeta>;
}

/// A file on this machine holding a stored file's bytes, for tools that read files by name
/// (ffmpeg, libheif). A local disk lends the stored file itself; an object store downloads it to
/// scratch space, which is freed when this is dropped.
pub struct LocalCopy {
    path: PathBuf,
    /// Keeps a downloaded copy (and its share of the scratch space) alive.
    _held: Option<Box<dyn Send + Sync>>,
}

impl LocalCopy {
    pub fn borrowed(path: PathBuf) -> Self {
        Self { path, _held: None }
    }

    pub fn owned(path: PathBuf, held: impl Send + Sync + 'static) -> Self {
        Self { path, _held: Some(Box::new(held)) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Deref for LocalCopy {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for LocalCopy {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl std::fmt::Debug for LocalCopy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCopy").field("path", &self.path).field("downloaded", &self._held.is_some()).finish()
    }
}

/// Bytes on the disk under a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskSpace {
    pub total: u64,
    /// What an unprivileged process may still write.
    pub available: u64,
}

#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Where this store is, for logs and reports (`file:///srv/photos`, `s3://bucket/prefix`).
    fn location(&self) -> String;

    /// Starts writing `key`.
    async fn write(&self, key: &Key, mode: WriteMode) -> io::Result<Box<dyn ObjectWriter>>;

    /// Reads a stored file, or the inclusive byte `range` of it. `NotFound` when nothing is
    /// stored under `key`; `InvalidInput` when the range starts past the end.
    async fn read(&self, key: &Key, range: Option<RangeInclusive<u64>>) -> io::Result<ObjectRead>;

    /// Length and tag, or `None` when nothing is stored under `key`.
    async fn head(&self, key: &Key) -> io::Result<Option<ObjectMeta>>;

    /// Removes a stored file; removing a missing one is not an error.
    async fn delete(&self, key: &Key) -> io::Result<()>;

    /// Every stored file whose key starts with `prefix` (a folder such as `upload/`), in no
    /// particular order.
    fn list(&self, prefix: &str) -> BoxStream<'static, io::Result<Listed>>;

    /// A file on this machine with the bytes of `key`; `NotFound` only when the store is there
    /// and holds nothing under `key` (an unreachable store is another error, which may pass).
    async fn local_copy(&self, key: &Key) -> io::Result<LocalCopy>;

    /// Size and free space of the disk holding the store, when it has one.
    async fn disk_space(&self) -> io::Result<Option<DiskSpace>> {
        Ok(None)
    }

    /// A time-limited address a client may fetch `key` from directly, when the backend can sign
    /// one (S3 with presigned downloads turned on).
    async fn presigned_url(&self, _key: &Key, _expires: std::time::Duration) -> io::Result<Option<String>> {
        Ok(None)
    }
}

/// Streams `body` into `key` and finishes the write; `len` bytes at most are kept in memory.
pub async fn write_stream(
    store: &dyn Store,
    key: &Key,
    mode: WriteMode,
    mut body: impl futures::Stream<Item = io::Result<Bytes>> + Unpin + Send,
) -> io::Result<ObjectMeta> {
    use futures::StreamExt;
    let mut writer = store.write(key, mode).await?;
    while let Some(chunk) = body.next().await {
        writer.write(chunk?).await?;
    }
    writer.finish().await
}

/// Stores a local file's bytes under `key` (a transcode ffmpeg wrote by name).
pub async fn write_file(store: &dyn Store, key: &Key, mode: WriteMode, path: &Path) -> io::Result<ObjectMeta> {
    let file = tokio::fs::File::open(path).await?;
    let chunks = tokio_util::io::ReaderStream::with_capacity(file, 1 << 20);
    write_stream(store, key, mode, chunks).await
}
