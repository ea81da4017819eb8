//! Indexing an external library: its folders are walked (or, after a watch event, only the paths
//! that changed) and compared with the library's assets. A new media file is hashed and becomes an
//! asset that goes through the pipeline as an upload does; a changed one is hashed again and goes
//! through it again; one that went away (or is now excluded) goes offline, into the trash, and
//! comes back when it returns. An XMP sidecar beside a file is recorded as the asset's sidecar.
//! Nothing here opens a library's file for writing.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use sha1::{Digest, Sha1};
use shoebox_core::jobs::{AssetJob, Queue};
use shoebox_core::library::{self, Exclusions};
use shoebox_core::media::{self, SNIFF_LEN};
use shoebox_db::libraries::{self, ChangedFile, IndexedFile, Library, NewLibraryFile};
use shoebox_storage::Key;
use uuid::Uuid;

use crate::Pipeline;

/// How one scan changed the library, for the logs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScanReport {
    pub added: usize,
    pub changed: usize,
    pub offline: usize,
    pub online: usize,
}

impl ScanReport {
    fn is_empty(&self) -> bool {
        *self == ScanReport::default()
    }
}

/// One library as a scan sees it: its folders (plain absolute paths) and what it leaves out.
pub struct LibraryView {
    pub library: Library,
    pub roots: Vec<PathBuf>,
    exclusions: Exclusions,
}

impl LibraryView {
    /// The library's usable folders; one that cannot be read now is skipped (its files go
    /// offline and come back with it), an exclusion pattern the server should have refused is
    /// ignored.
    pub fn new(library: Library, data_dir: &Path) -> Self {
        let roots = library
            .import_paths
            .iter()
            .filter(|path| match library::import_path_problem(path, data_dir) {
                None => true,
                Some(problem) => {
                    tracing::warn!(library = %library.id, path = %path, %problem, "skipping an import path");
                    false
                }
            })
            .map(|path| Path::new(path).components().collect::<PathBuf>())
            .collect();
        let exclusions = Exclusions::new(&library.exclusion_patterns).unwrap_or_else(|err| {
            tracing::warn!(library = %library.id, error = %err, "ignoring the library's exclusion patterns");
            Exclusions::new(&[]).expect("no patterns always compile")
        });
        Self { library, roots, exclusions }
    }

    /// Whether `path` is a file of this library: under one of its folders, not hidden below it
    /// (a name starting with `.`, as Immich skips), not excluded, with a media extension.
    pub fn takes(&self, path: &Path) -> bool {
        library::has_media_extension(path) && self.takes_folder_entry(path)
    }

    /// Whether something at `path` (a file or a folder) is inside the library at all.
    pub fn takes_folder_entry(&self, path: &Path) -> bool {
        let Some(relative) = self.roots.iter().find_map(|root| path.strip_prefix(root).ok()) else { return false };
        let hidden = relative
            .components()
            .any(|part| matches!(part, Component::Normal(name) if name.to_string_lossy().starts_with('.')));
        !hidden && !self.exclusions.excludes(path)
    }
}

/// What the file system says of a file now.
#[derive(Debug, Clone, Copy)]
struct OnDisk {
    len: u64,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

fn on_disk(path: &Path) -> Option<OnDisk> {
    let meta = std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file)?;
    let modified = meta.modified().ok().map(to_micros)?;
    // Copies seldom keep their birth time: never later than the last change.
    let created = meta.created().ok().map(to_micros).map_or(modified, |created| created.min(modified));
    Some(OnDisk { len: meta.len(), created, modified })
}

/// A file time as Postgres keeps it (microseconds), so times read back compare equal.
fn to_micros(time: SystemTime) -> DateTime<Utc> {
    let time = DateTime::<Utc>::from(time);
    DateTime::from_timestamp_micros(time.timestamp_micros()).unwrap_or(time)
}

/// Walks every folder of the library and brings its assets in line with what is there.
pub async fn scan_library(pipeline: &Pipeline, view: &LibraryView) -> anyhow::Result<ScanReport> {
    let started = libraries::database_now(&pipeline.db).await?;
    let id = view.library.id;
    let mut indexed: HashMap<String, IndexedFile> = libraries::indexed_files(&pipeline.db, id)
        .await?
        .into_iter()
        .map(|file| (file.original_path.clone(), file))
        .collect();
    let roots = view.roots.clone();
    let found = tokio::task::spawn_blocking(move || walk(&roots)).await?;
    let mut report = ScanReport::default();
    let mut seen = HashSet::new();
    for path in found.into_iter().filter(|path| view.takes(path)) {
        let Ok(key) = Key::external(&path) else {
            tracing::debug!(path = %path.display(), "skipping a file whose name cannot be a key (not UTF-8)");
            continue;
        };
        sync_file(pipeline, view, &path, &key, indexed.get(key.as_str()), &mut report).await?;
        seen.insert(key.into_string());
    }
    indexed.retain(|key, _| !seen.contains(key));
    // Whatever the walk did not meet: gone, excluded now, or in a folder the walk could not read.
    for file in indexed.values() {
        check_indexed(pipeline, view, file, &mut report).await?;
    }
    libraries::mark_refreshed(&pipeline.db, id, started).await?;
    if !report.is_empty() {
        tracing::info!(library = %id, ?report, "scanned external library");
    } else {
        tracing::debug!(library = %id, "scanned external library: nothing changed");
    }
    Ok(report)
}

/// Brings the library in line with what is at `paths` now (files or folders a watch saw change).
pub async fn sync_paths(
    pipeline: &Pipeline,
    view: &LibraryView,
    paths: &HashSet<PathBuf>,
) -> anyhow::Result<ScanReport> {
    let mut report = ScanReport::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        if path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("xmp")) {
            files.extend(sidecar_owners(path));
        } else if path.is_dir() {
            let folder = vec![path.clone()];
            files.extend(tokio::task::spawn_blocking(move || walk(&folder)).await?);
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    for path in files {
        let Ok(key) = Key::external(&path) else { continue };
        let existing = libraries::indexed_under(&pipeline.db, view.library.id, key.as_str()).await?;
        if view.takes(&path) && on_disk(&path).is_some() {
            let exact = existing.iter().find(|file| file.original_path == key.as_str());
            sync_file(pipeline, view, &path, &key, exact, &mut report).await?;
        } else {
            // A file or a whole folder that went away, or is left out now.
            for file in &existing {
                check_indexed(pipeline, view, file, &mut report).await?;
            }
        }
    }
    if !report.is_empty() {
        tracing::info!(library = %view.library.id, ?report, "external library changed on disk");
    }
    Ok(report)
}

/// The media files an XMP sidecar at `sidecar` may belong to: `a.jpg` for `a.jpg.xmp`, any
/// `a.*` beside it for `a.xmp`.
fn sidecar_owners(sidecar: &Path) -> Vec<PathBuf> {
    let mut owners = Vec::new();
    let without = sidecar.with_extension("");
    if library::has_media_extension(&without) {
        owners.push(without.clone());
    }
    let (Some(folder), Some(stem)) = (sidecar.parent(), without.file_name()) else { return owners };
    if let Ok(entries) = std::fs::read_dir(folder) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.file_stem() == Some(stem) && library::has_media_extension(&path) {
                owners.push(path);
            }
        }
    }
    owners
}

/// Every file under `roots`, skipping hidden folders (their contents are never the library's).
fn walk(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for root in roots {
        let entries = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.'));
        for entry in entries {
            match entry {
                Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
                Ok(_) => {}
                // A folder that cannot be read: its indexed files are looked at one by one later.
                Err(err) => tracing::warn!(error = %err, "cannot read part of an external library"),
            }
        }
    }
    files
}

/// An indexed file the walk did not meet, or whose path a watch saw change: still there and
/// still the library's, it is synced; otherwise it goes offline.
async fn check_indexed(
    pipeline: &Pipeline,
    view: &LibraryView,
    file: &IndexedFile,
    report: &mut ScanReport,
) -> anyhow::Result<()> {
    let key = Key::parse(file.original_path.as_str())?;
    let path = key.external_path().ok_or_else(|| anyhow::anyhow!("{key} is not an external key"))?;
    if view.takes(&path) && on_disk(&path).is_some() {
        return sync_file(pipeline, view, &path, &key, Some(file), report).await;
    }
    if !file.is_offline {
        report.offline += libraries::set_offline(&pipeline.db, &[file.id]).await?.len();
        tracing::debug!(library = %view.library.id, path = %path.display(), "file went away: asset offline");
    }
    Ok(())
}

/// Brings one file that is there and the library's in line with its asset, if it has one.
async fn sync_file(
    pipeline: &Pipeline,
    view: &LibraryView,
    path: &Path,
    key: &Key,
    indexed: Option<&IndexedFile>,
    report: &mut ScanReport,
) -> anyhow::Result<()> {
    let Some(disk) = on_disk(path) else { return Ok(()) };
    let Some(file) = indexed else {
        if let Some(id) = index_new(pipeline, view, path, key, disk).await? {
            report.added += 1;
            record_sidecar(pipeline, id, path).await?;
            queue_metadata(pipeline, id).await;
        }
        return Ok(());
    };
    let id = file.id;
    if file.is_offline {
        report.online += libraries::set_online(&pipeline.db, &[id]).await?.len();
    }
    let changed = file.file_size_bytes != disk.len as i64 || file.file_modified_at != disk.modified;
    if changed {
        let Some((head, checksum, len)) = read_facts(path.to_owned()).await? else { return Ok(()) };
        let Some(format) = media::detect(&head) else {
            // No longer a photo or video: as good as gone.
            report.offline += libraries::set_offline(&pipeline.db, &[id]).await?.len();
            return Ok(());
        };
        let changed = ChangedFile {
            checksum,
            asset_type: format.asset_type,
            original_mime_type: format.mime.to_owned(),
            file_size_bytes: len as i64,
            file_modified_at: disk.modified,
        };
        libraries::update_changed(&pipeline.db, id, &changed).await?;
        report.changed += 1;
    }
    let sidecar_changed = record_sidecar(pipeline, id, path).await?;
    if sidecar_changed && !changed {
        libraries::restart(&pipeline.db, id).await?;
        report.changed += 1;
    }
    if changed || sidecar_changed {
        queue_metadata(pipeline, id).await;
    }
    Ok(())
}

/// Hashes and sniffs a new file and records it as an asset of the library; `None` when it is not
/// a photo or video after all, vanished meanwhile, or another scan indexed it first.
async fn index_new(
    pipeline: &Pipeline,
    view: &LibraryView,
    path: &Path,
    key: &Key,
    disk: OnDisk,
) -> anyhow::Result<Option<Uuid>> {
    let Some((head, checksum, len)) = read_facts(path.to_owned()).await? else { return Ok(None) };
    let Some(format) = media::detect(&head) else {
        tracing::debug!(path = %path.display(), "not a photo or video by its content; skipped");
        return Ok(None);
    };
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let new = NewLibraryFile {
        library_id: view.library.id,
        owner_id: view.library.owner_id,
        checksum,
        asset_type: format.asset_type,
        original_path: key.as_str().to_owned(),
        original_file_name: name,
        original_mime_type: format.mime.to_owned(),
        file_size_bytes: len as i64,
        file_created_at: disk.created,
        file_modified_at: disk.modified,
    };
    Ok(libraries::insert_file(&pipeline.db, &new).await?)
}

/// The file's first bytes (to sniff its format), SHA-1 and length, read in one pass off the
/// async threads; `None` when it is gone by now.
async fn read_facts(path: PathBuf) -> anyhow::Result<Option<(Vec<u8>, Vec<u8>, u64)>> {
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<(Vec<u8>, Vec<u8>, u64)> {
        let mut file = std::fs::File::open(&path)?;
        let mut hasher = Sha1::new();
        let mut head = Vec::with_capacity(SNIFF_LEN);
        let mut buffer = vec![0u8; 1 << 20];
        let mut len = 0u64;
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            let chunk = &buffer[..read];
            if head.len() < SNIFF_LEN {
                head.extend_from_slice(&chunk[..chunk.len().min(SNIFF_LEN - head.len())]);
            }
            hasher.update(chunk);
            len += read as u64;
        }
        Ok((head, hasher.finalize().to_vec(), len))
    })
    .await?;
    match read {
        Ok(facts) => Ok(Some(facts)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// Records the sidecar beside `path` (or that there is none); returns whether that changed.
async fn record_sidecar(pipeline: &Pipeline, id: Uuid, path: &Path) -> anyhow::Result<bool> {
    let found = library::sidecar_candidates(path).into_iter().find_map(|candidate| {
        let modified = std::fs::metadata(&candidate).ok().filter(std::fs::Metadata::is_file)?.modified().ok()?;
        Some((Key::external(&candidate).ok()?, to_micros(modified)))
    });
    let changed = match &found {
        Some((key, modified)) => libraries::set_sidecar(&pipeline.db, id, Some(key.as_str()), Some(*modified)).await?,
        None => libraries::set_sidecar(&pipeline.db, id, None, None).await?,
    };
    Ok(changed)
}

/// Queues the first step, as an upload does; a lost job is found again by the reconcile, since
/// Postgres records that the step has not run.
async fn queue_metadata(pipeline: &Pipeline, asset_id: Uuid) {
    if let Err(err) = pipeline.queues.push_asset(Queue::Metadata, AssetJob { asset_id }).await {
        tracing::warn!(%asset_id, error = %err, "could not queue metadata extraction for a library file");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(roots: &[&str], patterns: &[&str]) -> LibraryView {
        let exclusions = Exclusions::new(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap();
        let library = Library {
            id: Uuid::nil(),
            owner_id: Uuid::nil(),
            name: "test".into(),
            import_paths: Vec::new(),
            exclusion_patterns: Vec::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            refreshed_at: None,
            scan_requested_at: None,
            asset_count: 0,
        };
        LibraryView { library, roots: roots.iter().map(PathBuf::from).collect(), exclusions }
    }

    #[test]
    fn a_library_takes_media_under_its_folders_but_not_hidden_or_excluded_files() {
        let view = view(&["/srv/photos", "/mnt/.nas/pictures"], &["**/@eaDir/**"]);
        assert!(view.takes(Path::new("/srv/photos/2024/a.jpg")));
        assert!(view.takes(Path::new("/mnt/.nas/pictures/a.mp4")), "a hidden folder above the import path is fine");
        assert!(!view.takes(Path::new("/srv/photos/a.txt")), "not media");
        assert!(!view.takes(Path::new("/srv/other/a.jpg")), "outside the folders");
        assert!(!view.takes(Path::new("/srv/photos/.cache/a.jpg")), "hidden folder");
        assert!(!view.takes(Path::new("/srv/photos/.a.jpg")), "hidden file");
        assert!(!view.takes(Path::new("/srv/photos/@eaDir/a.jpg")), "excluded");
    }

    #[test]
    fn file_times_keep_microseconds_as_postgres_does() {
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(1_700_000_000_123_456_789);
        assert_eq!(to_micros(time).timestamp_subsec_nanos(), 123_456_000);
    }

    #[test]
    fn a_sidecar_belongs_to_the_file_it_is_named_after() {
        let folder = tempfile::tempdir().unwrap();
        for name in ["a.jpg", "a.mov", "b.jpg", "a.txt"] {
            std::fs::write(folder.path().join(name), b"x").unwrap();
        }
        let mut owners = sidecar_owners(&folder.path().join("a.xmp"));
        owners.sort();
        assert_eq!(owners, vec![folder.path().join("a.jpg"), folder.path().join("a.mov")]);
        assert_eq!(sidecar_owners(&folder.path().join("b.jpg.xmp")), vec![folder.path().join("b.jpg")]);
    }
}
