//! The files of external libraries: folders the user already has, indexed where they are. Their
//! keys are `external/<absolute path>` ([`Key::external`]); this store reads them from the file
//! system and never changes them: a write fails, and removing one is a no-op, so purging an
//! asset of a library (or the library itself) leaves the user's file alone.

use std::io;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::pin::Pin;

use async_trait::async_trait;
use futures::stream::BoxStream;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt};

use crate::key::Key;
use crate::store::{Listed, LocalCopy, ObjectMeta, ObjectRead, ObjectWriter, Store, WriteMode};

/// Read-only access to the files external libraries name, wherever they are on this machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExternalFiles;

impl ExternalFiles {
    /// The file behind `key`; `InvalidInput` for a key that is not an external one.
    pub fn path_of(key: &Key) -> io::Result<PathBuf> {
        key.external_path().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{key} is not a file of an external library"))
        })
    }
}

fn never_written(key: &Key) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, format!("{key}: files of an external library are never written to"))
}

#[async_trait]
impl Store for ExternalFiles {
    fn location(&self) -> String {
        "external libraries (read only)".into()
    }

    async fn write(&self, key: &Key, _mode: WriteMode) -> io::Result<Box<dyn ObjectWriter>> {
        Err(never_written(key))
    }

    async fn read(&self, key: &Key, range: Option<RangeInclusive<u64>>) -> io::Result<ObjectRead> {
        let mut file = tokio::fs::File::open(Self::path_of(key)?).await?;
        let meta = file.metadata().await?;
        if !meta.is_file() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{key} is not a file")));
        }
        let total_len = meta.len();
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
        match tokio::fs::metadata(Self::path_of(key)?).await {
            Ok(meta) if meta.is_file() => Ok(Some(ObjectMeta { len: meta.len(), etag: None })),
            Ok(_) => Ok(None),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Does nothing: the file is the user's, and stays when its asset goes.
    async fn delete(&self, _key: &Key) -> io::Result<()> {
        Ok(())
    }

    /// Nothing: the libraries' files are found by scanning their folders, not by listing a store.
    fn list(&self, _prefix: &str) -> BoxStream<'static, io::Result<Listed>> {
        Box::pin(futures::stream::empty())
    }

    /// The file itself, lent by name.
    async fn local_copy(&self, key: &Key) -> io::Result<LocalCopy> {
        let path = Self::path_of(key)?;
        let meta = tokio::fs::metadata(&path).await?;
        if !meta.is_file() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{key} is not a file")));
        }
        Ok(LocalCopy::borrowed(path))
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    fn library_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, Key) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let key = Key::external(&path).unwrap();
        (folder, key)
    }

    async fn read_all(key: &Key, range: Option<RangeInclusive<u64>>) -> io::Result<(u64, Vec<u8>)> {
        let mut read = ExternalFiles.read(key, range).await?;
        let mut bytes = Vec::new();
        read.body.read_to_end(&mut bytes).await?;
        Ok((read.total_len, bytes))
    }

    #[tokio::test]
    async fn reads_whole_files_and_ranges_from_where_they_are() {
        let (_folder, key) = library_with("a.jpg", b"0123456789");
        assert_eq!(read_all(&key, None).await.unwrap(), (10, b"0123456789".to_vec()));
        assert_eq!(read_all(&key, Some(2..=4)).await.unwrap(), (10, b"234".to_vec()));
        assert_eq!(read_all(&key, Some(8..=20)).await.unwrap(), (10, b"89".to_vec()), "a range past the end is cut");
        let past_end = read_all(&key, Some(10..=12)).await.unwrap_err();
        assert_eq!(past_end.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(ExternalFiles.head(&key).await.unwrap(), Some(ObjectMeta { len: 10, etag: None }));
        let copy = ExternalFiles.local_copy(&key).await.unwrap();
        assert_eq!(Some(copy.path().to_owned()), key.external_path(), "the file itself is lent, not copied");
    }

    #[tokio::test]
    async fn a_missing_file_is_not_found_and_a_folder_is_no_file() {
        let (folder, key) = library_with("a.jpg", b"x");
        std::fs::remove_file(key.external_path().unwrap()).unwrap();
        assert_eq!(ExternalFiles.head(&key).await.unwrap(), None);
        assert_eq!(ExternalFiles.read(&key, None).await.err().unwrap().kind(), io::ErrorKind::NotFound);
        assert_eq!(ExternalFiles.local_copy(&key).await.unwrap_err().kind(), io::ErrorKind::NotFound);
        let folder_key = Key::external(folder.path()).unwrap();
        assert_eq!(ExternalFiles.head(&folder_key).await.unwrap(), None);
        assert_eq!(ExternalFiles.local_copy(&folder_key).await.unwrap_err().kind(), io::ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn the_users_files_are_never_written_nor_removed() {
        let (folder, key) = library_with("a.jpg", b"original");
        for mode in [WriteMode::Create, WriteMode::Replace] {
            let err = ExternalFiles.write(&key, mode).await.err().expect("writing is refused");
            assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
            assert!(err.to_string().contains("never written to"), "{err}");
        }
        let beside = Key::external(&folder.path().join("new.jpg")).unwrap();
        assert!(ExternalFiles.write(&beside, WriteMode::Create).await.is_err(), "nor is a new file made");
        ExternalFiles.delete(&key).await.unwrap();
        assert_eq!(std::fs::read(key.external_path().unwrap()).unwrap(), b"original");
        assert!(!folder.path().join("new.jpg").exists());
        assert!(ExternalFiles.list("external/").next().await.is_none(), "a listing yields nothing");
    }

    #[tokio::test]
    async fn keys_of_the_stores_are_refused() {
        let upload = Key::parse("upload/u/ab/cd/x.jpg").unwrap();
        assert_eq!(ExternalFiles.read(&upload, None).await.err().unwrap().kind(), io::ErrorKind::InvalidInput);
        assert_eq!(ExternalFiles.head(&upload).await.unwrap_err().kind(), io::ErrorKind::InvalidInput);
    }
}
