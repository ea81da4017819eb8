//! Where originals and derived files live. [`Key`]s name files (the layout is in `key.rs` only);
//! a [`Store`] keeps them: [`LocalStore`] under a folder, [`S3Store`] in a bucket. [`Storage`] is
//! what the server, the worker and the tools hold: it sends each key to the store of its class,
//! so originals may sit in a bucket while thumbnails stay on a fast local disk, or the reverse.
//! The files of external libraries are read where they are, through [`ExternalFiles`], whatever
//! the stores. [`open`] builds it from the settings, the same way in every binary.

pub mod external;
pub mod key;
pub mod local;
pub mod s3;
pub mod scratch;
pub mod store;
pub mod sweep;
pub mod testing;

use std::io;
use std::ops::RangeInclusive;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use shoebox_core::config::{StorageConfig, StorageLocation};
use tempfile::TempPath;

pub use external::ExternalFiles;
pub use key::{DERIVED_FOLDERS, EXTERNAL_PREFIX, Key, KeyClass, KeyKind, ORIGINAL_FOLDERS};
pub use local::LocalStore;
pub use s3::S3Store;
pub use scratch::Scratch;
pub use store::{DiskSpace, Listed, LocalCopy, ObjectMeta, ObjectRead, ObjectWriter, Store, WriteMode};

/// The stores of one installation, by class of key, the external libraries' files, and this
/// process's scratch space.
#[derive(Debug, Clone)]
pub struct Storage {
    originals: Arc<dyn Store>,
    derived: Arc<dyn Store>,
    external: ExternalFiles,
    scratch: Scratch,
}

/// Opens the stores the settings name. Local folders are created; buckets must exist.
pub fn open(config: &StorageConfig) -> io::Result<Storage> {
    let scratch = Scratch::open(&config.scratch_dir, config.scratch_max_bytes)?;
    let originals = open_location(&config.originals, config, &scratch)?;
    let derived =
        if config.derived == config.originals { originals.clone() } else { open_location(&config.derived, config, &scratch)? };
    Ok(Storage { originals, derived, external: ExternalFiles, scratch })
}

/// Opens the store at one location (a backup target, say), with the S3 settings of `config`.
pub fn open_at(location: &StorageLocation, config: &StorageConfig) -> io::Result<Arc<dyn Store>> {
    let scratch = Scratch::open(&config.scratch_dir, config.scratch_max_bytes)?;
    open_location(location, config, &scratch)
}

/// Opens the store at one location.
fn open_location(location: &StorageLocation, config: &StorageConfig, scratch: &Scratch) -> io::Result<Arc<dyn Store>> {
    Ok(match location {
        StorageLocation::Local(root) => Arc::new(LocalStore::open(root)?),
        StorageLocation::S3 { bucket, prefix } => Arc::new(S3Store::open(bucket, prefix, &config.s3, scratch.clone())?),
    })
}

impl Storage {
    /// The store that holds keys of `class`.
    pub fn store(&self, class: KeyClass) -> &Arc<dyn Store> {
        match class {
            KeyClass::Original => &self.originals,
            KeyClass::Derived => &self.derived,
        }
    }

    /// The store that holds `key`: an external library's file is read where it is, whatever
    /// store holds the originals.
    fn of(&self, key: &Key) -> &dyn Store {
        if key.kind() == KeyKind::External { &self.external } else { self.store(key.class()).as_ref() }
    }

    /// Each distinct store once, with the folders of the layout it holds.
    pub fn stores(&self) -> Vec<(Arc<dyn Store>, Vec<&'static str>)> {
        if Arc::ptr_eq(&self.originals, &self.derived) {
            let folders = ORIGINAL_FOLDERS.iter().chain(DERIVED_FOLDERS).copied().collect();
            vec![(self.originals.clone(), folders)]
        } else {
            vec![(self.originals.clone(), ORIGINAL_FOLDERS.to_vec()), (self.derived.clone(), DERIVED_FOLDERS.to_vec())]
        }
    }

    pub fn scratch(&self) -> &Scratch {
        &self.scratch
    }

    /// A new file in this process's scratch folder, for tools that write by name (a transcode),
    /// removed when dropped unless handed to [`Storage::put_file`].
    pub fn scratch_file(&self, suffix: &str) -> io::Result<TempPath> {
        Ok(self.scratch.folder().file(suffix)?.1)
    }

    /// Where the originals are, for logs.
    pub fn describe(&self) -> String {
        if Arc::ptr_eq(&self.originals, &self.derived) {
            self.originals.location()
        } else {
            format!("originals in {}, derived files in {}", self.originals.location(), self.derived.location())
        }
    }

    pub async fn write(&self, key: &Key, mode: WriteMode) -> io::Result<Box<dyn ObjectWriter>> {
        self.of(key).write(key, mode).await
    }

    /// Stores `bytes` under `key` (a thumbnail, a face crop).
    pub async fn put(&self, key: &Key, bytes: impl Into<Bytes>, mode: WriteMode) -> io::Result<ObjectMeta> {
        let mut writer = self.write(key, mode).await?;
        writer.write(bytes.into()).await?;
        writer.finish().await
    }

    /// Streams `body` (another store's read, say) into `key`.
    pub async fn put_reader(
        &self,
        key: &Key,
        body: impl tokio::io::AsyncRead + Send + Unpin,
        mode: WriteMode,
    ) -> io::Result<ObjectMeta> {
        let chunks = tokio_util::io::ReaderStream::with_capacity(body, 1 << 20);
        store::write_stream(self.of(key), key, mode, chunks).await
    }

    /// Stores a finished local file under `key` and removes it.
    pub async fn put_file(&self, key: &Key, file: TempPath, mode: WriteMode) -> io::Result<ObjectMeta> {
        let meta = store::write_file(self.of(key), key, mode, &file).await?;
        drop(file);
        Ok(meta)
    }

    pub async fn read(&self, key: &Key, range: Option<RangeInclusive<u64>>) -> io::Result<ObjectRead> {
        self.of(key).read(key, range).await
    }

    pub async fn head(&self, key: &Key) -> io::Result<Option<ObjectMeta>> {
        self.of(key).head(key).await
    }

    pub async fn delete(&self, key: &Key) -> io::Result<()> {
        self.of(key).delete(key).await
    }

    /// Deletes the file a database row named, refusing a name that is not a safe key.
    pub async fn delete_named(&self, key: &str) -> io::Result<()> {
        self.delete(&Key::parse(key)?).await
    }

    /// Files under `prefix`, from the store that holds that folder.
    pub fn list(&self, prefix: &str) -> BoxStream<'static, io::Result<Listed>> {
        let class = if DERIVED_FOLDERS.iter().any(|folder| prefix.starts_with(folder)) {
            KeyClass::Derived
        } else {
            KeyClass::Original
        };
        self.store(class).list(prefix)
    }

    pub async fn local_copy(&self, key: &Key) -> io::Result<LocalCopy> {
        self.of(key).local_copy(key).await
    }

    pub async fn presigned_url(&self, key: &Key, expires: std::time::Duration) -> io::Result<Option<String>> {
        self.of(key).presigned_url(key, expires).await
    }

    /// Size and free space of the disk holding the originals, when they are on one.
    pub async fn disk_space(&self) -> io::Result<Option<DiskSpace>> {
        self.originals.disk_space().await
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    #[tokio::test]
    async fn external_keys_go_to_the_users_files_whatever_store_holds_the_originals() {
        let data = tempfile::tempdir().unwrap();
        let library = tempfile::tempdir().unwrap();
        let mut config = shoebox_core::Config::from_lookup(|_| None).unwrap();
        config.data_dir = data.path().to_owned();
        let storage = open(&config.storage()).unwrap();
        let photo = library.path().join("a.jpg");
        std::fs::write(&photo, b"the user's bytes").unwrap();
        let key = Key::external(&photo).unwrap();

        let mut bytes = Vec::new();
        storage.read(&key, None).await.unwrap().body.read_to_end(&mut bytes).await.unwrap();
        assert_eq!(bytes, b"the user's bytes");
        assert_eq!(storage.local_copy(&key).await.unwrap().path(), photo);
        let refused = storage.put(&key, &b"other"[..], WriteMode::Replace).await.unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::PermissionDenied);
        storage.delete(&key).await.unwrap();
        assert_eq!(std::fs::read(&photo).unwrap(), b"the user's bytes", "neither written nor removed");
        assert!(!data.path().join(key.as_str()).exists(), "nothing of it lands in the data folder");
    }
}
