//! External libraries: what the server checks when an admin names a folder, and what the worker
//! applies while it scans one. Both sides judge import paths and exclusion patterns here, so a
//! pattern the server accepted is the pattern the worker matches.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::media::{IMAGE_EXTENSIONS, VIDEO_EXTENSIONS};

/// Immich's exclusion patterns for a library created without any: NAS thumbnails and recycle
/// bins, macOS resource forks, Syncthing's folders.
pub const DEFAULT_EXCLUSION_PATTERNS: &[&str] =
    &["**/@eaDir/**", "**/._*", "**/#recycle/**", "**/#snapshot/**", "**/.stversions/**", "**/.stfolder/**"];

/// Most import paths, and most exclusion patterns, one library may have (Immich's limit).
pub const MAX_ENTRIES: usize = 128;

/// Why `path` cannot be a library's import path, in Immich's words; `None` when it can. A folder
/// holding Shoebox's own `data_dir`, or inside it, is refused: its files are Shoebox's.
pub fn import_path_problem(path: &str, data_dir: &Path) -> Option<String> {
    let folder = Path::new(path);
    if !folder.is_absolute() {
        return Some(format!("Import path must be absolute: {path}"));
    }
    let meta = match std::fs::metadata(folder) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Some("Path does not exist (ENOENT)".into()),
        Err(err) => return Some(err.to_string()),
    };
    if !meta.is_dir() {
        return Some("Not a directory".into());
    }
    if std::fs::read_dir(folder).is_err() {
        return Some("Lacking read permission for folder".into());
    }
    let canonical = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let (folder, data) = (canonical(folder), canonical(data_dir));
    if folder.starts_with(&data) || data.starts_with(&folder) {
        return Some("Cannot use the Shoebox data folder, or a folder holding it, for external libraries".into());
    }
    None
}

/// A library's exclusion patterns, compiled: globs over a file's absolute path, where `*` stays
/// within one folder and `**` crosses any number (`**/@eaDir/**`, `**/.*/**`), as Immich's are.
#[derive(Debug, Clone)]
pub struct Exclusions {
    set: GlobSet,
}

/// A pattern that is not a glob.
#[derive(Debug, thiserror::Error)]
#[error("Invalid exclusion pattern {pattern:?}: {reason}")]
pub struct BadPattern {
    pub pattern: String,
    pub reason: String,
}

impl Exclusions {
    pub fn new(patterns: &[String]) -> Result<Self, BadPattern> {
        let mut set = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|err| BadPattern { pattern: pattern.clone(), reason: err.kind().to_string() })?;
            set.add(glob);
        }
        let set = set.build().map_err(|err| BadPattern { pattern: patterns.join(", "), reason: err.to_string() })?;
        Ok(Self { set })
    }

    /// Whether a file (or a folder, with everything in it) is left out of the library.
    pub fn excludes(&self, path: &Path) -> bool {
        self.set.is_match(path)
    }
}

/// Whether a file's extension is one Shoebox takes (its content is checked when it is indexed).
pub fn has_media_extension(path: &Path) -> bool {
    let Some(extension) = path.extension().and_then(|extension| extension.to_str()) else { return false };
    let dotted = format!(".{}", extension.to_ascii_lowercase());
    IMAGE_EXTENSIONS.contains(&dotted.as_str()) || VIDEO_EXTENSIONS.contains(&dotted.as_str())
}

/// Where an XMP sidecar of `file` may be, in the order they are preferred: `a.jpg.xmp` (what
/// Immich and darktable write), then `a.xmp` (Lightroom).
pub fn sidecar_candidates(file: &Path) -> [PathBuf; 2] {
    let mut beside = file.as_os_str().to_owned();
    beside.push(".xmp");
    [PathBuf::from(beside), file.with_extension("xmp")]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exclusions(patterns: &[&str]) -> Exclusions {
        Exclusions::new(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn immichs_patterns_match_absolute_paths_as_picomatch_does() {
        let defaults = exclusions(DEFAULT_EXCLUSION_PATTERNS);
        for excluded in [
            "/srv/photos/@eaDir/a.jpg",
            "/srv/photos/2024/@eaDir/x/a.jpg",
            "/srv/photos/._a.jpg",
            "/nas/#recycle/a.jpg",
        ] {
            assert!(defaults.excludes(Path::new(excluded)), "{excluded}");
        }
        for kept in ["/srv/photos/a.jpg", "/srv/photos/eaDir/a.jpg", "/srv/photos/a._b.jpg", "/srv/@eaDirectory/a.jpg"]
        {
            assert!(!defaults.excludes(Path::new(kept)), "{kept}");
        }
        let hidden = exclusions(&["**/.*/**"]);
        assert!(hidden.excludes(Path::new("/srv/photos/.thumbnails/a.jpg")));
        assert!(!hidden.excludes(Path::new("/srv/photos/a.jpg")));
        let one_level = exclusions(&["/srv/photos/*.png"]);
        assert!(one_level.excludes(Path::new("/srv/photos/a.png")));
        assert!(!one_level.excludes(Path::new("/srv/photos/sub/a.png")), "* stays within one folder");
        assert!(!exclusions(&[]).excludes(Path::new("/srv/photos/@eaDir/a.jpg")));
    }

    #[test]
    fn a_pattern_that_is_no_glob_is_refused_by_name() {
        let err = Exclusions::new(&["**/[abc".to_owned()]).unwrap_err();
        assert_eq!(err.pattern, "**/[abc");
        assert!(err.to_string().contains("Invalid exclusion pattern"), "{err}");
    }

    #[test]
    fn import_paths_must_be_absolute_readable_folders_away_from_the_data_folder() {
        let data = tempfile::tempdir().unwrap();
        let library = tempfile::tempdir().unwrap();
        let folder = library.path().to_str().unwrap();
        assert_eq!(import_path_problem(folder, data.path()), None);
        assert!(import_path_problem("photos", data.path()).unwrap().contains("must be absolute"));
        let missing = library.path().join("missing");
        assert_eq!(
            import_path_problem(missing.to_str().unwrap(), data.path()).unwrap(),
            "Path does not exist (ENOENT)"
        );
        let file = library.path().join("a.jpg");
        std::fs::write(&file, b"x").unwrap();
        assert_eq!(import_path_problem(file.to_str().unwrap(), data.path()).unwrap(), "Not a directory");
        let inside = data.path().join("upload");
        std::fs::create_dir(&inside).unwrap();
        for shoeboxs in [inside.to_str().unwrap(), data.path().to_str().unwrap(), "/"] {
            assert!(import_path_problem(shoeboxs, data.path()).unwrap().contains("data folder"), "{shoeboxs}");
        }
    }

    #[test]
    fn media_is_known_by_extension_and_sidecars_by_two_names() {
        assert!(has_media_extension(Path::new("/a/b.JPG")));
        assert!(has_media_extension(Path::new("/a/b.heic")) && has_media_extension(Path::new("/a/clip.MOV")));
        assert!(!has_media_extension(Path::new("/a/b.xmp")) && !has_media_extension(Path::new("/a/README")));
        let [long, short] = sidecar_candidates(Path::new("/a/IMG_1.jpg"));
        assert_eq!((long, short), (PathBuf::from("/a/IMG_1.jpg.xmp"), PathBuf::from("/a/IMG_1.xmp")));
    }
}
