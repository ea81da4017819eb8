//! Storage keys: relative, `/`-separated names such as `upload/<owner>/ab/cd/<asset>.jpg`. Every
//! key is made here, so the layout, the kind of file a key holds and its content type are written
//! down once. The database stores keys as text; [`Key::parse`] reads them back. A file of an
//! external library keeps its own place on the file system: its key is `external/` followed by
//! its absolute path, and only [`crate::external::ExternalFiles`] reads it.

use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};

use uuid::Uuid;

/// What a stored file is. The layout tells the kinds apart, so keys written by older versions
/// are recognised too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// An uploaded photo or video, exactly as received.
    Original,
    /// An XMP sidecar uploaded beside an original.
    Sidecar,
    /// The small WebP the timeline shows.
    Thumbnail,
    /// The large JPEG the viewer shows.
    Preview,
    /// The H.264 copy of a video browsers cannot play.
    EncodedVideo,
    /// The face crop that stands for a person.
    PersonThumbnail,
    /// A user's library export, made again on request.
    Export,
    /// A file of an external library (a photo or its sidecar), where the user keeps it: read,
    /// never written or removed.
    External,
    /// Anything else under the store (a stray file, a folder of another program).
    Other,
}

/// Whether a file can be made again from the originals. Backups and migrations treat the two
/// differently, and a hybrid layout puts them on different backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyClass {
    /// Originals and their sidecars: the library itself.
    Original,
    /// Thumbnails, previews, transcodes and face crops: rebuilt by the worker when lost.
    Derived,
}

impl KeyKind {
    pub fn class(self) -> KeyClass {
        match self {
            KeyKind::Original | KeyKind::Sidecar | KeyKind::External | KeyKind::Other => KeyClass::Original,
            KeyKind::Thumbnail | KeyKind::Preview | KeyKind::EncodedVideo | KeyKind::PersonThumbnail | KeyKind::Export => {
                KeyClass::Derived
            }
        }
    }
}

/// The top-level folders of the layout, by class: what a sweep or a migration lists.
pub const ORIGINAL_FOLDERS: &[&str] = &["upload/"];
pub const DERIVED_FOLDERS: &[&str] = &["thumbs/", "encoded-video/"];
/// Where the keys of external libraries' files start; no store holds such a folder.
pub const EXTERNAL_PREFIX: &str = "external/";

/// A validated storage key.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(String);

impl Key {
    /// Reads a key from the database or a listing; refuses one that would leave the store's root
    /// (`..`, absolute paths, empty parts).
    pub fn parse(key: impl Into<String>) -> io::Result<Key> {
        let key = key.into();
        let safe = !key.is_empty()
            && !key.ends_with('/')
            && !key.contains('\\')
            && Path::new(&key).components().all(|component| matches!(component, Component::Normal(_)))
            && key.split('/').all(|part| !part.is_empty());
        if safe {
            Ok(Key(key))
        } else {
            Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unsafe storage key {key:?}")))
        }
    }

    /// Where an uploaded original is kept: spread over two folder levels by the asset id, so
    /// no folder grows to millions of entries.
    pub fn original(owner: Uuid, asset: Uuid, extension: &str) -> Key {
        let extension: String =
            extension.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
        let extension = if extension.is_empty() { "bin".to_owned() } else { extension };
        Key(format!("upload/{owner}/{}/{asset}.{extension}", fan_out(asset)))
    }

    /// The XMP sidecar beside an original: the original's name with `.xmp` for its extension.
    pub fn sidecar_of(original: &Key) -> Key {
        let stem = match original.0.rsplit_once('.') {
            // The dot must be in the file's name, not in a folder's.
            Some((stem, extension)) if !extension.contains('/') => stem,
            _ => original.0.as_str(),
        };
        Key(format!("{stem}.xmp"))
    }

    /// The key of a file of an external library at `path`, which must be absolute and plain
    /// (no `.` or `..`, no empty parts) and valid UTF-8: `/srv/photos/a.jpg` becomes
    /// `external/srv/photos/a.jpg`.
    pub fn external(path: &Path) -> io::Result<Key> {
        let refuse =
            || io::Error::new(io::ErrorKind::InvalidInput, format!("not a plain absolute path: {}", path.display()));
        let mut components = path.components();
        let rooted = components.next() == Some(Component::RootDir);
        if !rooted || !components.all(|part| matches!(part, Component::Normal(_))) {
            return Err(refuse());
        }
        let text = path.to_str().ok_or_else(refuse)?;
        let relative = &text[1..];
        // `Path::components` hides `a/./b` and `a//b`; the text must not have them either.
        if relative.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            return Err(refuse());
        }
        Key::parse(format!("{EXTERNAL_PREFIX}{relative}")).map_err(|_| refuse())
    }

    /// The absolute path an external library's key names; `None` for any other key.
    pub fn external_path(&self) -> Option<PathBuf> {
        self.0.strip_prefix(EXTERNAL_PREFIX).map(|relative| Path::new("/").join(relative))
    }

    pub fn thumbnail(owner: Uuid, asset: Uuid) -> Key {
        Key::derived("thumbs", owner, asset, "thumbnail.webp")
    }

    pub fn preview(owner: Uuid, asset: Uuid) -> Key {
        Key::derived("thumbs", owner, asset, "preview.jpeg")
    }

    pub fn encoded_video(owner: Uuid, asset: Uuid) -> Key {
        Key::derived("encoded-video", owner, asset, "playback.mp4")
    }

    pub fn person_thumbnail(owner: Uuid, person: Uuid) -> Key {
        Key::derived("thumbs", owner, person, "person.jpeg")
    }

    /// A backed-up original or sidecar in a backup target, named by its SHA-1: stored once
    /// however many backups name it.
    pub fn backup_object(sha1: &[u8]) -> Key {
        let hex = hex_of(sha1);
        Key(format!("objects/{}/{hex}", &hex[..2.min(hex.len())]))
    }

    /// A backup's manifest: every original it holds, with its SHA-1 and size. Written last, so a
    /// backup exists once its manifest does.
    pub fn backup_manifest(backup: &str) -> Key {
        Key(format!("manifests/{backup}.json"))
    }

    /// A backup's database dump (pg_dump's custom format).
    pub fn backup_database(backup: &str) -> Key {
        Key(format!("database/{backup}.dump"))
    }

    /// A user's whole-library export, a zip made by the worker for them to download.
    pub fn export_archive(owner: Uuid, export: Uuid) -> Key {
        Key(format!("exports/{owner}/{export}.zip"))
    }

    /// An uploaded Google Takeout archive waiting for the worker to import it.
    pub fn takeout_upload(owner: Uuid, import: Uuid) -> Key {
        Key(format!("imports/{owner}/{import}.zip"))
    }

    fn derived(folder: &str, owner: Uuid, id: Uuid, name: &str) -> Key {
        Key(format!("{folder}/{owner}/{}/{id}-{name}", fan_out(id)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn kind(&self) -> KeyKind {
        let key = self.0.as_str();
        if key.starts_with("upload/") {
            if key.ends_with(".xmp") { KeyKind::Sidecar } else { KeyKind::Original }
        } else if key.starts_with("thumbs/") {
            if key.ends_with("-thumbnail.webp") {
                KeyKind::Thumbnail
            } else if key.ends_with("-preview.jpeg") {
                KeyKind::Preview
            } else if key.ends_with("-person.jpeg") {
                KeyKind::PersonThumbnail
            } else {
                KeyKind::Other
            }
        } else if key.starts_with("encoded-video/") {
            KeyKind::EncodedVideo
        } else if key.starts_with("exports/") {
            KeyKind::Export
        } else if key.starts_with(EXTERNAL_PREFIX) {
            KeyKind::External
        } else {
            KeyKind::Other
        }
    }

    pub fn class(&self) -> KeyClass {
        self.kind().class()
    }

    /// The extension of the file name, lower-cased (`jpg`, `webp`), if it has one.
    pub fn extension(&self) -> Option<String> {
        let name = self.0.rsplit('/').next().unwrap_or_default();
        name.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase())
    }

    /// The content type of a derived file or sidecar, from its kind. An original's type is the
    /// one detected at upload and kept in its row; this gives it only from the extension.
    pub fn content_type(&self) -> &'static str {
        match self.kind() {
            KeyKind::Thumbnail => "image/webp",
            KeyKind::Preview | KeyKind::PersonThumbnail => "image/jpeg",
            KeyKind::EncodedVideo => "video/mp4",
            KeyKind::Export => "application/zip",
            KeyKind::Sidecar => "application/xml",
            KeyKind::Original | KeyKind::External | KeyKind::Other => match self.extension().as_deref() {
                Some("jpg" | "jpeg") => "image/jpeg",
                Some("webp") => "image/webp",
                Some("png") => "image/png",
                Some("heic" | "heif") => "image/heic",
                Some("mp4") => "video/mp4",
                Some("mov") => "video/quicktime",
                Some("xmp") => "application/xml",
                _ => "application/octet-stream",
            },
        }
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `ab/cd`: the first four hex digits of an id, as two folder levels.
fn fan_out(id: Uuid) -> String {
    let id = id.simple().to_string();
    format!("{}/{}", &id[..2], &id[2..4])
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASSET: Uuid = Uuid::from_u128(0x0f8fad5b_d9cb_469f_a165_70867728950e);
    const OWNER: Uuid = Uuid::nil();

    #[test]
    fn every_key_is_laid_out_by_owner_and_fanned_out_by_id() {
        let original = Key::original(OWNER, ASSET, "JPG");
        assert_eq!(original.as_str(), format!("upload/{OWNER}/0f/8f/{ASSET}.jpg"));
        assert_eq!(Key::sidecar_of(&original).as_str(), format!("upload/{OWNER}/0f/8f/{ASSET}.xmp"));
        assert_eq!(Key::thumbnail(OWNER, ASSET).as_str(), format!("thumbs/{OWNER}/0f/8f/{ASSET}-thumbnail.webp"));
        assert_eq!(Key::preview(OWNER, ASSET).as_str(), format!("thumbs/{OWNER}/0f/8f/{ASSET}-preview.jpeg"));
        assert_eq!(
            Key::encoded_video(OWNER, ASSET).as_str(),
            format!("encoded-video/{OWNER}/0f/8f/{ASSET}-playback.mp4")
        );
        assert_eq!(Key::person_thumbnail(OWNER, ASSET).as_str(), format!("thumbs/{OWNER}/0f/8f/{ASSET}-person.jpeg"));
    }

    #[test]
    fn each_key_knows_its_kind_class_and_content_type() {
        let cases = [
            (Key::original(OWNER, ASSET, "heic"), KeyKind::Original, KeyClass::Original, "image/heic"),
            (Key::sidecar_of(&Key::original(OWNER, ASSET, "mov")), KeyKind::Sidecar, KeyClass::Original, "application/xml"),
            (Key::thumbnail(OWNER, ASSET), KeyKind::Thumbnail, KeyClass::Derived, "image/webp"),
            (Key::preview(OWNER, ASSET), KeyKind::Preview, KeyClass::Derived, "image/jpeg"),
            (Key::encoded_video(OWNER, ASSET), KeyKind::EncodedVideo, KeyClass::Derived, "video/mp4"),
            (Key::person_thumbnail(OWNER, ASSET), KeyKind::PersonThumbnail, KeyClass::Derived, "image/jpeg"),
        ];
        for (key, kind, class, content_type) in cases {
            let read_back = Key::parse(key.as_str()).unwrap();
            assert_eq!((read_back.kind(), read_back.class(), read_back.content_type()), (kind, class, content_type), "{key}");
        }
    }

    #[test]
    fn keys_that_leave_the_root_are_refused() {
        for key in ["../etc/passwd", "/etc/passwd", "a/../../b", "", "a//b", "a/", "a\\..\\b", "./a"] {
            assert_eq!(Key::parse(key).unwrap_err().kind(), io::ErrorKind::InvalidInput, "{key:?}");
        }
        assert!(Key::parse("upload/u/ab/cd/x.jpg").is_ok());
    }

    #[test]
    fn external_keys_name_absolute_paths_and_only_those() {
        let key = Key::external(Path::new("/srv/photos/2024/a.JPG")).unwrap();
        assert_eq!(key.as_str(), "external/srv/photos/2024/a.JPG");
        assert_eq!(
            (key.kind(), key.class(), key.content_type()),
            (KeyKind::External, KeyClass::Original, "image/jpeg")
        );
        assert_eq!(key.external_path(), Some(PathBuf::from("/srv/photos/2024/a.JPG")));
        let read_back = Key::parse(key.as_str()).unwrap();
        assert_eq!(read_back.external_path(), key.external_path());
        assert_eq!(Key::external(Path::new("/srv/a.xmp")).unwrap().content_type(), "application/xml");
        assert_eq!(Key::original(OWNER, ASSET, "jpg").external_path(), None);
        for refused in
            ["srv/a.jpg", "/srv/../etc/passwd", "/srv/./a.jpg", "/srv//a.jpg", "/", "./a.jpg", "/srv/a\\b.jpg"]
        {
            let err = Key::external(Path::new(refused)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{refused:?}");
        }
    }

    #[test]
    fn odd_extensions_cannot_break_the_layout() {
        assert_eq!(Key::original(OWNER, ASSET, "../x").extension().as_deref(), Some("x"));
        assert_eq!(Key::original(OWNER, ASSET, "").extension().as_deref(), Some("bin"));
    }
}
