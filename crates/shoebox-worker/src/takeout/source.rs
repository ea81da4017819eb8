//! Where a Takeout export is read from: a folder it was unpacked into, or one of Google's zip
//! files as downloaded. Both list their entries for the plan and hand each media file over as a
//! file on this machine (a zip's entry is unpacked into scratch space first).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use shoebox_interchange::TakeoutEntry;
use shoebox_storage::Storage;
use tempfile::TempPath;

#[derive(Clone)]
pub enum Source {
    Folder(PathBuf),
    Zip(Arc<Mutex<zip::ZipArchive<File>>>),
}

/// A media file to import: the export's own file, or an unpacked copy removed when dropped.
pub enum Staged {
    InPlace(PathBuf),
    Unpacked(TempPath),
}

impl Staged {
    pub fn path(&self) -> &Path {
        match self {
            Staged::InPlace(path) => path,
            Staged::Unpacked(path) => path,
        }
    }
}

impl Source {
    /// Opens a folder, or a zip file by its contents (whatever its name).
    pub fn open(path: &Path) -> anyhow::Result<Source> {
        if path.is_dir() {
            return Ok(Source::Folder(path.to_owned()));
        }
        let file = File::open(path).map_err(|err| anyhow::anyhow!("cannot open {}: {err}", path.display()))?;
        let archive = zip::ZipArchive::new(file)
            .map_err(|err| anyhow::anyhow!("{} is neither a folder nor a zip file: {err}", path.display()))?;
        Ok(Source::Zip(Arc::new(Mutex::new(archive))))
    }

    pub fn entries(&self) -> io::Result<Vec<TakeoutEntry>> {
        match self {
            Source::Folder(root) => shoebox_interchange::entries_in_folder(root),
            Source::Zip(archive) => {
                let mut archive = archive.lock().expect("zip lock");
                let mut entries = Vec::with_capacity(archive.len());
                for index in 0..archive.len() {
                    let entry = archive.by_index_raw(index).map_err(io::Error::other)?;
                    if entry.is_file() {
                        let name = entry.name().map_err(io::Error::other)?.into_owned();
                        entries.push(TakeoutEntry { path: name, size: entry.size() });
                    }
                }
                Ok(entries)
            }
        }
    }

    /// A small file (a JSON sidecar) read whole.
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        match self {
            Source::Folder(root) => std::fs::read(root.join(path)),
            Source::Zip(archive) => {
                let mut archive = archive.lock().expect("zip lock");
                let mut entry = archive.by_name(path).map_err(io::Error::other)?;
                let mut bytes = Vec::with_capacity(entry.size() as usize);
                io::copy(&mut entry, &mut bytes)?;
                Ok(bytes)
            }
        }
    }

    /// The media file at `path` as a file on this machine.
    pub fn stage(&self, path: &str, storage: &Storage) -> io::Result<Staged> {
        match self {
            Source::Folder(root) => Ok(Staged::InPlace(root.join(path))),
            Source::Zip(archive) => {
                let target = storage.scratch_file(".takeout")?;
                let mut archive = archive.lock().expect("zip lock");
                let mut entry = archive.by_name(path).map_err(io::Error::other)?;
                let mut file = File::create(&target)?;
                io::copy(&mut entry, &mut file)?;
                Ok(Staged::Unpacked(target))
            }
        }
    }
}
