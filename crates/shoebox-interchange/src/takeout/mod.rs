//! Reading a Google Takeout export of Google Photos. [`plan`] turns the list of files of an
//! export, from a folder or a zip alike, into what to import: one [`PlannedItem`] per photo or
//! video with the JSON sidecar Google wrote for it, the albums, and what was left aside and why.
//! Nothing here reads media bytes; the caller imports, and dedupes the copies Takeout puts both
//! in a year folder and in an album folder.
//!
//! Writing is the other way round: [`photo_sidecar_json`] gives Google's sidecar for a photo we
//! export, so tools made for Takeout read our exports too.

mod matching;
mod names;
mod sidecar;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use names::{MediaKind, SidecarKey};
pub use sidecar::{PhotoSidecar, TakeoutError, parse_photo_sidecar, photo_sidecar_json};

#[cfg(any(test, feature = "testing"))]
pub(crate) use names::{exported_media_name, exported_sidecar_name};

/// One file of the export: its path relative to the export's root, `/`-separated
/// (`Takeout/Google Photos/Trip to Rome/IMG_0001.jpg`), and its size in bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakeoutEntry {
    pub path: String,
    pub size: u64,
}

/// What to import from an export.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TakeoutPlan {
    /// One per media file, in path order.
    pub items: Vec<PlannedItem>,
    /// Folders whose `metadata.json` gives a title, in folder order.
    pub albums: Vec<PlannedAlbum>,
    /// JSON sidecars no media file uses, in path order.
    pub unmatched_sidecars: Vec<String>,
    /// Entries left aside, in path order.
    pub skipped: Vec<Skipped>,
}

/// One photo or video to import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedItem {
    pub path: String,
    pub size: u64,
    /// The sidecar describing it. An edited copy and a live photo's video share their original's,
    /// whose `title` then names the original.
    pub sidecar_path: Option<String>,
    pub sidecar: Option<PhotoSidecar>,
    /// For an `-edited` copy, the path of its original when that is in the same folder.
    pub edited_of: Option<String>,
    /// For the video half of a live photo (`IMG_1.MP4` next to `IMG_1.HEIC`), the still's path.
    pub live_photo_of: Option<String>,
    /// The album folders this file sits in (a copy in a year folder has none).
    pub album_folders: Vec<String>,
    /// Why `sidecar` is missing although `sidecar_path` is set (unreadable or not JSON). The
    /// item is imported all the same.
    pub sidecar_error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedAlbum {
    pub folder: String,
    pub title: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// The files of one folder, sorted by what they are.
#[derive(Default)]
struct FolderFiles<'a> {
    media: Vec<(&'a TakeoutEntry, &'a str, MediaKind)>,
    sidecar_paths: Vec<&'a str>,
    sidecar_keys: Vec<SidecarKey>,
    album_metadata: Vec<&'a str>,
}

/// Plans the import of a Takeout export from its list of files. `read_json` reads one of them
/// (only JSON sidecars and album metadata are read). Sidecars are matched within their folder;
/// a sidecar that cannot be read or parsed leaves its item without one, with `sidecar_error` set.
pub fn plan(entries: &[TakeoutEntry], read_json: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>) -> TakeoutPlan {
    let mut plan = TakeoutPlan::default();
    let folders = sort_entries(entries, &mut plan.skipped);
    let album_folders = read_albums(&folders, read_json, &mut plan);

    // Edited copies and live photos share a sidecar: read each once.
    let mut parsed: HashMap<&str, Result<PhotoSidecar, String>> = HashMap::new();
    for (folder, files) in &folders {
        let media: Vec<(&str, MediaKind)> = files.media.iter().map(|(_, name, kind)| (*name, *kind)).collect();
        let found = matching::match_folder(&media, &files.sidecar_keys);
        let albums_here = containing_albums(folder, &album_folders);
        for (at, (entry, _, _)) in files.media.iter().enumerate() {
            let sidecar_path = found.sidecar[at].map(|sidecar| files.sidecar_paths[sidecar]);
            let (sidecar, sidecar_error) = match sidecar_path {
                None => (None, None),
                Some(path) => match parsed.entry(path).or_insert_with(|| read_sidecar(path, read_json)) {
                    Ok(sidecar) => (Some(sidecar.clone()), None),
                    Err(error) => (None, Some(error.clone())),
                },
            };
            let path_of = |other: Option<usize>| other.map(|other| files.media[other].0.path.clone());
            plan.items.push(PlannedItem {
                path: entry.path.clone(),
                size: entry.size,
                sidecar_path: sidecar_path.map(str::to_string),
                sidecar,
                edited_of: path_of(found.edited_of[at]),
                live_photo_of: path_of(found.live_photo_of[at]),
                album_folders: albums_here.clone(),
                sidecar_error,
            });
        }
        for (at, used) in found.sidecar_used.iter().enumerate() {
            if !used {
                plan.unmatched_sidecars.push(files.sidecar_paths[at].to_string());
            }
        }
    }

    plan.items.sort_by(|a, b| a.path.cmp(&b.path));
    plan.albums.sort_by(|a, b| a.folder.cmp(&b.folder));
    plan.unmatched_sidecars.sort();
    plan.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    plan
}

/// Files grouped by folder and by kind; what is neither media nor a sidecar goes to `skipped`.
fn sort_entries<'a>(entries: &'a [TakeoutEntry], skipped: &mut Vec<Skipped>) -> BTreeMap<&'a str, FolderFiles<'a>> {
    let mut skip =
        |path: &str, reason: &str| skipped.push(Skipped { path: path.to_string(), reason: reason.to_string() });
    // A whole Takeout holds other Google products too; keep to Google Photos when it is there.
    let has_photos_folder = entries.iter().any(|entry| in_photos_folder(&entry.path));
    let mut seen = HashSet::new();
    let mut folders: BTreeMap<&str, FolderFiles> = BTreeMap::new();
    for entry in entries {
        let path = entry.path.as_str();
        if path.is_empty() || path.ends_with('/') {
            continue; // a zip's folder entry
        }
        if !seen.insert(path) {
            skip(path, "listed twice");
            continue;
        }
        if has_photos_folder && !in_photos_folder(path) {
            skip(path, "outside the Google Photos folder");
            continue;
        }
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let files = folders.entry(folder).or_default();
        if let Some(kind) = names::media_kind(name) {
            files.media.push((entry, name, kind));
        } else if !names::is_json(name) {
            match names::split_extension(name).1 {
                Some(extension) => skip(path, &format!("not a photo or video (.{})", extension.to_lowercase())),
                None => skip(path, "not a photo or video"),
            }
        } else if names::is_album_metadata(name) {
            files.album_metadata.push(path);
        } else if names::is_account_file(name) {
            skip(path, "Google Photos account data, not about one photo");
        } else if let Some(key) = names::sidecar_key(name) {
            files.sidecar_paths.push(path);
            files.sidecar_keys.push(key);
        }
    }
    folders
}

fn in_photos_folder(path: &str) -> bool {
    let mut parts = path.split('/');
    parts.next_back();
    parts.any(names::is_photos_folder)
}

/// Reads each folder's album metadata into `plan.albums`; returns the album folders.
fn read_albums<'a>(
    folders: &BTreeMap<&'a str, FolderFiles<'a>>,
    read_json: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
    plan: &mut TakeoutPlan,
) -> HashSet<&'a str> {
    let mut album_folders = HashSet::new();
    for (folder, files) in folders {
        let folder_name = folder.rsplit('/').next().unwrap_or(folder);
        for path in &files.album_metadata {
            let reason = if album_folders.contains(folder) {
                "a second album metadata file in the folder".to_string()
            } else if names::is_year_folder(folder_name) {
                "metadata of a year folder, which is not an album".to_string()
            } else {
                let metadata = read_json(path)
                    .map_err(|error| error.to_string())
                    .and_then(|bytes| sidecar::parse_album_metadata(&bytes).map_err(|error| error.to_string()));
                match metadata {
                    Ok(Some((title, description))) => {
                        plan.albums.push(PlannedAlbum { folder: folder.to_string(), title, description });
                        album_folders.insert(*folder);
                        continue;
                    }
                    Ok(None) => "album metadata without a title".to_string(),
                    Err(error) => format!("unreadable album metadata: {error}"),
                }
            };
            plan.skipped.push(Skipped { path: path.to_string(), reason });
        }
    }
    album_folders
}

/// `folder` and those above it that are albums, nearest first.
fn containing_albums(folder: &str, album_folders: &HashSet<&str>) -> Vec<String> {
    let mut albums = Vec::new();
    let mut current = folder;
    loop {
        if album_folders.contains(current) {
            albums.push(current.to_string());
        }
        match current.rsplit_once('/') {
            Some((parent, _)) => current = parent,
            None if !current.is_empty() => current = "",
            None => return albums,
        }
    }
}

fn read_sidecar(path: &str, read_json: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>) -> Result<PhotoSidecar, String> {
    let bytes = read_json(path).map_err(|error| format!("could not read the sidecar: {error}"))?;
    parse_photo_sidecar(&bytes).map_err(|error| error.to_string())
}

/// Every file under `root`, as entries relative to it, in path order: the input [`plan`] takes
/// for an export unpacked into a folder. Symbolic links are not followed; a name that is not
/// UTF-8 is converted lossily (and will then not open).
pub fn entries_in_folder(root: &Path) -> io::Result<Vec<TakeoutEntry>> {
    let mut entries = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for child in std::fs::read_dir(root.join(&relative))? {
            let child = child?;
            let file_type = child.file_type()?;
            let child_relative = relative.join(child.file_name());
            if file_type.is_dir() {
                pending.push(child_relative);
            } else if file_type.is_file() {
                let path = child_relative
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                entries.push(TakeoutEntry { path, size: child.metadata()?.len() });
            }
        }
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(paths: &[&str]) -> Vec<TakeoutEntry> {
        paths.iter().map(|path| TakeoutEntry { path: path.to_string(), size: 1 }).collect()
    }

    fn plan_with(paths: &[&str], files: &[(&str, &str)]) -> TakeoutPlan {
        let files: HashMap<String, String> = files.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
        plan(&entries(paths), &mut |path| {
            files.get(path).map(|text| text.as_bytes().to_vec()).ok_or_else(|| io::Error::other("missing"))
        })
    }

    #[test]
    fn sorts_media_sidecars_albums_and_junk() {
        let paths = [
            "Takeout/archive_browser.html",
            "Takeout/Google Photos/print-subscriptions.json",
            "Takeout/Google Photos/Rome/",
            "Takeout/Google Photos/Rome/metadata.json",
            "Takeout/Google Photos/Rome/IMG_2.jpg",
            "Takeout/Google Photos/Rome/IMG_2.jpg.json",
            "Takeout/Google Photos/Rome/IMG_2.AAE",
            "Takeout/Google Photos/Photos from 2019/metadata.json",
            "Takeout/Google Photos/Photos from 2019/IMG_1.jpg",
            "Takeout/Google Photos/Photos from 2019/IMG_1.jpg.json",
            "Takeout/Google Photos/Photos from 2019/orphan.jpg.json",
            "Takeout/Google Photos/Untitled/metadata.json",
            "Takeout/YouTube/video.mp4",
        ];
        let files = [
            ("Takeout/Google Photos/Rome/metadata.json", r#"{"title": "Rome", "description": "Spring"}"#),
            ("Takeout/Google Photos/Rome/IMG_2.jpg.json", r#"{"title": "IMG_2.jpg", "favorited": true}"#),
            ("Takeout/Google Photos/Photos from 2019/IMG_1.jpg.json", "{broken"),
            ("Takeout/Google Photos/Untitled/metadata.json", r#"{"title": ""}"#),
        ];
        let plan = plan_with(&paths, &files);
        assert_eq!(
            plan.albums,
            vec![PlannedAlbum {
                folder: "Takeout/Google Photos/Rome".into(),
                title: "Rome".into(),
                description: Some("Spring".into()),
            }]
        );
        let paths: Vec<&str> = plan.items.iter().map(|item| item.path.as_str()).collect();
        assert_eq!(paths, ["Takeout/Google Photos/Photos from 2019/IMG_1.jpg", "Takeout/Google Photos/Rome/IMG_2.jpg"]);
        let broken = &plan.items[0];
        assert!(broken.sidecar.is_none() && broken.sidecar_error.is_some() && broken.sidecar_path.is_some());
        assert!(broken.album_folders.is_empty());
        let in_album = &plan.items[1];
        assert!(in_album.sidecar.as_ref().unwrap().favorited);
        assert_eq!(in_album.album_folders, ["Takeout/Google Photos/Rome"]);
        assert_eq!(plan.unmatched_sidecars, ["Takeout/Google Photos/Photos from 2019/orphan.jpg.json"]);
        let skipped: Vec<(&str, &str)> = plan.skipped.iter().map(|s| (s.path.as_str(), s.reason.as_str())).collect();
        assert_eq!(
            skipped,
            [
                (
                    "Takeout/Google Photos/Photos from 2019/metadata.json",
                    "metadata of a year folder, which is not an album"
                ),
                ("Takeout/Google Photos/Rome/IMG_2.AAE", "not a photo or video (.aae)"),
                ("Takeout/Google Photos/Untitled/metadata.json", "album metadata without a title"),
                ("Takeout/Google Photos/print-subscriptions.json", "Google Photos account data, not about one photo"),
                ("Takeout/YouTube/video.mp4", "outside the Google Photos folder"),
                ("Takeout/archive_browser.html", "outside the Google Photos folder"),
            ]
        );
    }

    #[test]
    fn a_folder_without_takeout_layout_is_taken_whole() {
        let plan = plan_with(&["IMG_1.jpg", "IMG_1.jpg.json", "sub/VID.mp4", "IMG_1.jpg"], &[("IMG_1.jpg.json", "{}")]);
        assert_eq!(plan.items.len(), 2);
        assert_eq!(plan.items[0].sidecar, Some(PhotoSidecar::default()));
        assert_eq!(plan.skipped, vec![Skipped { path: "IMG_1.jpg".into(), reason: "listed twice".into() }]);
    }

    #[test]
    fn shared_sidecar_is_read_once() {
        let mut reads = 0;
        let paths = entries(&["A/IMG_1.jpg", "A/IMG_1-edited.jpg", "A/IMG_1.jpg.json"]);
        let plan = plan(&paths, &mut |_| {
            reads += 1;
            Ok(br#"{"title": "IMG_1.jpg"}"#.to_vec())
        });
        assert_eq!(reads, 1);
        assert_eq!(plan.items[0].path, "A/IMG_1-edited.jpg");
        assert_eq!(plan.items[0].edited_of.as_deref(), Some("A/IMG_1.jpg"));
        assert_eq!(plan.items[0].sidecar_path.as_deref(), Some("A/IMG_1.jpg.json"));
        assert!(plan.unmatched_sidecars.is_empty());
    }

    #[test]
    fn unreadable_sidecar_is_an_error_not_a_panic() {
        let plan = plan(&entries(&["IMG_1.jpg", "IMG_1.jpg.json"]), &mut |_| Err(io::Error::other("disk on fire")));
        assert!(plan.items[0].sidecar_error.as_deref().unwrap().contains("disk on fire"));
    }

    #[test]
    fn nested_album_folders_are_all_listed() {
        let album_folders: HashSet<&str> = ["A", "A/B"].into_iter().collect();
        assert_eq!(containing_albums("A/B", &album_folders), ["A/B", "A"]);
        assert_eq!(containing_albums("C", &album_folders), Vec::<String>::new());
        let root: HashSet<&str> = [""].into_iter().collect();
        assert_eq!(containing_albums("C", &root), [""]);
    }
}
