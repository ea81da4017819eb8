//! Google Takeout's file-naming rules, as plain string functions: which names are media, how the
//! JSON sidecar of a media file is named, and which folders and JSON files are not about one photo.
//!
//! What Takeout does to sidecar names (learnt from real exports reported in the issue trackers of
//! immich-go and Google Photos Takeout Helper):
//! - `IMG_1.jpg.json` (older exports) or `IMG_1.jpg.supplemental-metadata.json` (2024 on);
//! - the sidecar's name without `.json` is cut to 46 UTF-16 code units, which may cut the
//!   `supplemental-metadata` infix (`IMG_1.jpg.supplemental-metad.json`) or the media name itself
//!   (`Urlaub in Knaufspesch in der Schneifel (38).JP.json`);
//! - a media name longer than that is itself cut to 47 units before its extension, and the
//!   sidecar is cut from the cut name;
//! - the duplicate counter moves: `IMG_1(1).jpg` has `IMG_1.jpg(1).json` or
//!   `IMG_1.jpg.supplemental-metadata(1).json`, the counter added after the cut;
//! - files uploaded without an extension get one in the export, but not in the sidecar's name:
//!   `IMG_1.json` for `IMG_1.jpg`;
//! - edited copies (`IMG_1-edited.jpg`, in the account's language) have no sidecar of their own.

/// Extensions of the photos we import, lower case.
const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "heic", "heif", "webp", "gif", "tif", "tiff", "dng", "cr2", "nef", "arw", "raf", "orf",
    "rw2", "avif", "jxl", "bmp",
];

/// Extensions of the videos we import, lower case.
const VIDEO_EXTENSIONS: &[&str] = &["mp4", "mov", "m4v", "3gp", "mkv", "avi", "webm", "mts", "m2ts", "mpg"];

/// Google cuts a sidecar's file name, without `.json`, to this many UTF-16 code units.
pub(crate) const SIDECAR_NAME_LIMIT: usize = 46;

/// Google cuts a long media file name to this many UTF-16 code units before its extension.
#[cfg(any(test, feature = "testing"))]
pub(crate) const MEDIA_STEM_LIMIT: usize = 47;

/// The infix of 2024+ sidecar names, `IMG_1.jpg.supplemental-metadata.json`.
pub(crate) const SUPPLEMENTAL: &str = "supplemental-metadata";

/// Suffixes Google gives edited copies, by account language (lower case). Each is also listed
/// decomposed (NFD), as macOS writes accented names when it unpacks an archive.
const EDITED_SUFFIXES: &[&str] = &[
    "-edited",
    "-effects",
    "-smile",
    "-mix",
    "-bearbeitet",
    "-modifié",
    "-modifie\u{301}",
    "-modificato",
    "-editado",
    "-editada",
    "-ha editado",
    "-editat",
    "-bewerkt",
    "-edytowane",
    "-diedit",
    "-düzenlendi",
    "-du\u{308}zenlendi",
    "-отредактировано",
    "-編集済み",
    "-已编辑",
    "-편집됨",
];

/// Album metadata file names, by account language (lower case).
const ALBUM_METADATA_NAMES: &[&str] = &[
    "metadata.json",
    "metadaten.json",
    "metadati.json",
    "metadatos.json",
    "metadáta.json",
    "métadonnées.json",
    "me\u{301}tadonne\u{301}es.json",
];

/// JSON files of Google Photos that describe the account, not one photo (lower case).
const ACCOUNT_FILES: &[&str] = &[
    "print-subscriptions.json",
    "shared_album_comments.json",
    "user-generated-memory-titles.json",
    "commentaires_albums_partagés.json",
];

/// How the year folders (`Photos from 2019`) are called, by account language (lower case, the
/// year follows).
const YEAR_FOLDER_PREFIXES: &[&str] = &["photos from ", "fotos von ", "photos de ", "fotos de ", "foto del "];

/// Names of the Google Photos folder inside `Takeout/`, by account language (lower case).
const PHOTOS_FOLDER_NAMES: &[&str] = &["google photos", "google fotos", "google foto"];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum MediaKind {
    Image,
    Video,
}

/// `IMG_1.jpg` → (`IMG_1`, `jpg`). A leading dot or a trailing one is not an extension.
pub(crate) fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rfind('.') {
        Some(dot) if dot > 0 && dot + 1 < name.len() => (&name[..dot], Some(&name[dot + 1..])),
        _ => (name, None),
    }
}

pub(crate) fn media_kind(name: &str) -> Option<MediaKind> {
    let extension = split_extension(name).1?.to_ascii_lowercase();
    if IMAGE_EXTENSIONS.contains(&extension.as_str()) {
        Some(MediaKind::Image)
    } else if VIDEO_EXTENSIONS.contains(&extension.as_str()) {
        Some(MediaKind::Video)
    } else {
        None
    }
}

pub(crate) fn is_json(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() > 5 && bytes[bytes.len() - 5..].eq_ignore_ascii_case(b".json")
}

pub(crate) fn is_album_metadata(name: &str) -> bool {
    ALBUM_METADATA_NAMES.contains(&name.to_lowercase().as_str())
}

pub(crate) fn is_account_file(name: &str) -> bool {
    ACCOUNT_FILES.contains(&name.to_lowercase().as_str())
}

pub(crate) fn is_year_folder(name: &str) -> bool {
    let lower = name.to_lowercase();
    YEAR_FOLDER_PREFIXES
        .iter()
        .filter_map(|prefix| lower.strip_prefix(prefix))
        .any(|year| year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn is_photos_folder(name: &str) -> bool {
    PHOTOS_FOLDER_NAMES.contains(&name.to_lowercase().as_str())
}

/// A sidecar's name taken apart: `IMG_1.jpg.supplemental-metadata(2).json` has the body
/// `IMG_1.jpg.supplemental-metadata` and the counter 2.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) struct SidecarKey {
    pub body: String,
    pub counter: Option<u32>,
}

pub(crate) fn sidecar_key(file_name: &str) -> Option<SidecarKey> {
    if !is_json(file_name) {
        return None;
    }
    let stem = &file_name[..file_name.len() - ".json".len()];
    Some(match trailing_counter(stem) {
        Some((body, counter)) => SidecarKey { body: body.to_string(), counter: Some(counter) },
        None => SidecarKey { body: stem.to_string(), counter: None },
    })
}

/// `name(12)` → (`name`, 12).
fn trailing_counter(text: &str) -> Option<(&str, u32)> {
    let inner = text.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let digits = &inner[open + 1..];
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((&text[..open], digits.parse().ok()?))
}

/// Google's duplicate counter in a media name, taken out: `IMG_1(1).jpg` → (`IMG_1.jpg`, 1). It
/// is the last `(digits)` before a dot or at the end, so it is found inside names such as
/// `21.12(1).11 - 1` too.
pub(crate) fn split_media_counter(name: &str) -> Option<(String, u32)> {
    let bytes = name.as_bytes();
    name.match_indices(')').rev().find_map(|(close, _)| {
        let after = close + 1;
        if after != bytes.len() && bytes[after] != b'.' {
            return None;
        }
        let (before, counter) = trailing_counter(&name[..after])?;
        Some((format!("{before}{}", &name[after..]), counter))
    })
}

/// The longest start of `text` that fits in `limit` UTF-16 code units (Google's measure).
pub(crate) fn cut_utf16(text: &str, limit: usize) -> &str {
    let mut units = 0;
    for (at, ch) in text.char_indices() {
        units += ch.len_utf16();
        if units > limit {
            return &text[..at];
        }
    }
    text
}

/// The first `limit` characters of `text` (the measure tools that count code points expect).
pub(crate) fn cut_chars(text: &str, limit: usize) -> &str {
    match text.char_indices().nth(limit) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// Every sidecar body Google may have written for a media file called `name` (counter already
/// taken out), the most likely first.
pub(crate) fn sidecar_bodies(name: &str) -> Vec<String> {
    let mut bodies = vec![name.to_string()];
    // The 2024+ infix, whole or shortened; also when the name is short, as seen in real exports.
    for kept in (0..=SUPPLEMENTAL.len()).rev() {
        bodies.push(format!("{name}.{}", &SUPPLEMENTAL[..kept]));
    }
    let supplemental = format!("{name}.{SUPPLEMENTAL}");
    for full in [supplemental.as_str(), name] {
        for cut in [cut_utf16(full, SIDECAR_NAME_LIMIT), cut_chars(full, SIDECAR_NAME_LIMIT)] {
            if cut.len() < full.len() && !bodies.iter().any(|body| body == cut) {
                bodies.push(cut.to_string());
            }
        }
    }
    bodies
}

/// The end of `stem` if it is an edited-copy suffix: `IMG_1-Edited` → `IMG_1`.
fn strip_edited_suffix(stem: &str) -> Option<&str> {
    EDITED_SUFFIXES.iter().find_map(|suffix| {
        let length = suffix.chars().count();
        let (start, _) = stem.char_indices().rev().nth(length - 1)?;
        (start > 0 && stem[start..].to_lowercase() == *suffix).then(|| &stem[..start])
    })
}

/// The name of the original an edited copy was made from: `IMG_1-edited.jpg` → `IMG_1.jpg`,
/// `IMG_1-edited(1).jpg` → `IMG_1(1).jpg`. `None` when `name` is not an edited copy's.
pub(crate) fn unedited_name(name: &str) -> Option<String> {
    let (without_counter, counter) = match split_media_counter(name) {
        Some((rest, counter)) => (rest, format!("({counter})")),
        None => (name.to_string(), String::new()),
    };
    let (stem, extension) = split_extension(&without_counter);
    let base = strip_edited_suffix(stem)?;
    Some(match extension {
        Some(extension) => format!("{base}{counter}.{extension}"),
        None => format!("{base}{counter}"),
    })
}

/// How Takeout names the media file of a photo titled `title`: a stem longer than Google's
/// limit is cut, the extension kept. Used to write test trees as Google would.
#[cfg(any(test, feature = "testing"))]
pub(crate) fn exported_media_name(title: &str) -> String {
    let (stem, extension) = split_extension(title);
    let stem = cut_utf16(stem, MEDIA_STEM_LIMIT);
    match extension {
        Some(extension) => format!("{stem}.{extension}"),
        None => stem.to_string(),
    }
}

/// How Takeout names the sidecar of media file `name` (its counter, if any, given apart).
#[cfg(any(test, feature = "testing"))]
pub(crate) fn exported_sidecar_name(name: &str, supplemental: bool, counter: Option<u32>) -> String {
    let full = if supplemental { format!("{name}.{SUPPLEMENTAL}") } else { name.to_string() };
    let body = cut_utf16(&full, SIDECAR_NAME_LIMIT);
    match counter {
        Some(counter) => format!("{body}({counter}).json"),
        None => format!("{body}.json"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> (String, Option<u32>) {
        let key = sidecar_key(name).unwrap();
        (key.body, key.counter)
    }

    #[test]
    fn media_is_judged_by_extension_in_any_case() {
        assert_eq!(media_kind("IMG_1.JPG"), Some(MediaKind::Image));
        assert_eq!(media_kind("clip.M2TS"), Some(MediaKind::Video));
        assert_eq!(media_kind("IMG_1.jpg.json"), None);
        assert_eq!(media_kind("archive_browser.html"), None);
        assert_eq!(media_kind("jpg"), None);
        assert_eq!(media_kind(".jpg"), None);
    }

    #[test]
    fn sidecar_names_give_body_and_counter() {
        assert_eq!(key("IMG_1.jpg.json"), ("IMG_1.jpg".into(), None));
        assert_eq!(key("IMG_1.JPG.JSON"), ("IMG_1.JPG".into(), None));
        assert_eq!(key("IMG_1.jpg(1).json"), ("IMG_1.jpg".into(), Some(1)));
        assert_eq!(
            key("Scan35.jpg.supplemental-metadata(12).json"),
            ("Scan35.jpg.supplemental-metadata".into(), Some(12))
        );
        assert_eq!(key("Photo (x).jpg.json"), ("Photo (x).jpg".into(), None));
        assert!(sidecar_key("IMG_1.jpg").is_none());
    }

    #[test]
    fn media_counter_is_found_before_the_extension_or_inside_the_name() {
        assert_eq!(split_media_counter("IMG_1(1).jpg"), Some(("IMG_1.jpg".into(), 1)));
        assert_eq!(split_media_counter("CLIP0001(10).AVI"), Some(("CLIP0001.AVI".into(), 10)));
        assert_eq!(split_media_counter("21.12(2).11 - 1"), Some(("21.12.11 - 1".into(), 2)));
        assert_eq!(split_media_counter("IMG_1(1)-edited.jpg"), None);
        assert_eq!(split_media_counter("IMG_1.jpg"), None);
        assert_eq!(split_media_counter("IMG_(a).jpg"), None);
    }

    #[test]
    fn cuts_count_utf16_units_or_characters() {
        let emoji = "😀".repeat(60);
        assert_eq!(cut_utf16(&emoji, 46).chars().count(), 23);
        assert_eq!(cut_utf16(&emoji, 45).chars().count(), 22, "a surrogate pair is never split");
        assert_eq!(cut_chars(&emoji, 46).chars().count(), 46);
        assert_eq!(cut_utf16("short", 46), "short");
    }

    #[test]
    fn bodies_cover_the_infix_and_its_cuts() {
        let bodies = sidecar_bodies("IMG_1.jpg");
        for expected in [
            "IMG_1.jpg",
            "IMG_1.jpg.supplemental-metadata",
            "IMG_1.jpg.supplemental-metad",
            "IMG_1.jpg.suppl",
            "IMG_1.jpg.s",
            "IMG_1.jpg.",
        ] {
            assert!(bodies.iter().any(|body| body == expected), "{expected} missing");
        }
        // Long enough for the 46-unit cut to fall inside the infix.
        let bodies = sidecar_bodies("Screenshot_20231027_123303_Facebook.jpg");
        assert!(bodies.iter().any(|body| body == "Screenshot_20231027_123303_Facebook.jpg.supple"));
    }

    #[test]
    fn edited_copies_name_their_original() {
        assert_eq!(unedited_name("IMG_1-edited.jpg").as_deref(), Some("IMG_1.jpg"));
        assert_eq!(unedited_name("IMG_1-EDITED.JPG").as_deref(), Some("IMG_1.JPG"));
        assert_eq!(unedited_name("IMG_1-bearbeitet.jpg").as_deref(), Some("IMG_1.jpg"));
        assert_eq!(unedited_name("PXL_1.PORTRAIT-modifié.jpg").as_deref(), Some("PXL_1.PORTRAIT.jpg"));
        assert_eq!(unedited_name("IMG_1-modifie\u{301}.jpg").as_deref(), Some("IMG_1.jpg"));
        assert_eq!(unedited_name("IMG_1-editado.jpg").as_deref(), Some("IMG_1.jpg"));
        assert_eq!(unedited_name("IMG_1-modificato.jpg").as_deref(), Some("IMG_1.jpg"));
        assert_eq!(unedited_name("IMG_1-edited(1).jpg").as_deref(), Some("IMG_1(1).jpg"));
        assert_eq!(unedited_name("IMG_1(1)-edited.jpg").as_deref(), Some("IMG_1(1).jpg"));
        assert_eq!(unedited_name("-edited.jpg"), None);
        assert_eq!(unedited_name("IMG_1.jpg"), None);
        assert_eq!(unedited_name("credited.jpg"), None);
    }

    #[test]
    fn folders_and_account_files_are_recognised() {
        assert!(is_year_folder("Photos from 2019"));
        assert!(is_year_folder("Fotos von 2003"));
        assert!(!is_year_folder("Photos from Rome"));
        assert!(!is_year_folder("Trip 2019"));
        assert!(is_album_metadata("metadata.json"));
        assert!(is_album_metadata("Metadaten.json"));
        assert!(is_album_metadata("métadonnées.json"));
        assert!(!is_album_metadata("IMG_1.jpg.supplemental-metadata.json"));
        assert!(is_account_file("print-subscriptions.json"));
        assert!(is_photos_folder("Google Photos"));
        assert!(is_photos_folder("Google Fotos"));
    }

    #[test]
    fn exported_names_follow_googles_cuts() {
        let title = "A rather long title from a walk along the river Seine in the spring.jpg";
        let media = exported_media_name(title);
        assert_eq!(split_extension(&media).0.encode_utf16().count(), MEDIA_STEM_LIMIT);
        assert!(media.ends_with(".jpg"));
        let sidecar = exported_sidecar_name(&media, true, None);
        assert_eq!(sidecar.len(), SIDECAR_NAME_LIMIT + ".json".len());
        assert_eq!(
            exported_sidecar_name("PXL_20190412_1530123456.jpg", true, None),
            "PXL_20190412_1530123456.jpg.supplemental-metad.json"
        );
        assert_eq!(exported_sidecar_name("IMG_1.jpg", false, Some(1)), "IMG_1.jpg(1).json");
    }
}
