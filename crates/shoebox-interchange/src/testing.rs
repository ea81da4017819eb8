//! A synthetic Google Takeout export for tests (feature `testing`): [`write_takeout_tree`] lays
//! out a tree as Google does, with one file for each naming case and flag the importer must
//! handle, and returns what a correct import finds in it, so a test of the server can assert
//! every case through its API and this crate's tests can assert [`crate::takeout::plan`].
//!
//! Media bytes: the caller gives one JPEG, one MP4 and optionally one HEIC. Each media file of
//! the tree gets those bytes made unique by a tag, so no two files dedupe by checksum, except an
//! album's copy of a year-folder file, which is byte-for-byte the same (as in real exports). The
//! tag goes where decoders ignore it: in a top-level `free` box for ISO BMFF files (MP4, MOV,
//! HEIC), after the end for anything else (after a JPEG's EOI marker).

use std::fs;
use std::io;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

use crate::takeout::{TakeoutPlan, exported_media_name, exported_sidecar_name};

/// Bytes to write the tree's photos and videos from.
#[derive(Clone, Debug)]
pub struct TestMedia {
    pub jpeg: Vec<u8>,
    pub mp4: Vec<u8>,
    /// When given, the live photo is a HEIC and an MP4; else a JPEG and an MP4.
    pub heic: Option<Vec<u8>>,
}

impl TestMedia {
    /// Bytes with the right signatures but no picture, for tests that decode nothing.
    pub fn synthetic() -> Self {
        let bmff = |brand: &[u8; 4]| [&[0, 0, 0, 16][..], b"ftyp", brand, &[0, 0, 0, 0]].concat();
        TestMedia {
            jpeg: vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x02, 0xFF, 0xD9],
            mp4: bmff(b"isom"),
            heic: Some(bmff(b"heic")),
        }
    }
}

/// What a correct import of the tree finds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedTakeout {
    /// Every media file, in path order.
    pub items: Vec<ExpectedItem>,
    pub albums: Vec<ExpectedAlbum>,
    /// Sidecars with no media file (its file would be in another part of the export).
    pub unmatched_sidecars: Vec<String>,
    /// Files that are neither media nor sidecars.
    pub skipped: Vec<String>,
}

/// What the import must find for one media file. Paths are relative to the tree's root.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedItem {
    pub path: String,
    /// The case this file is there for, to name it in failures.
    pub case: &'static str,
    pub is_video: bool,
    pub sidecar_path: Option<String>,
    /// Its sidecar is there but broken; the file is imported without its facts.
    pub sidecar_error: bool,
    pub album_titles: Vec<String>,
    pub favorited: bool,
    pub archived: bool,
    pub trashed: bool,
    pub taken_at: Option<DateTime<Utc>>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: Option<String>,
    pub people: Vec<String>,
    pub edited_of: Option<String>,
    pub live_photo_of: Option<String>,
    /// The year-folder file an album copy has the bytes of (the caller dedupes the two).
    pub same_bytes_as: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedAlbum {
    pub folder: String,
    pub title: String,
    pub description: Option<String>,
}

/// What one sidecar says.
#[derive(Clone, Default)]
struct Shot {
    title: String,
    taken_at: DateTime<Utc>,
    location: Option<(f64, f64, f64)>,
    description: Option<&'static str>,
    favorited: bool,
    archived: bool,
    trashed: bool,
    people: Vec<&'static str>,
}

const PHOTOS: &str = "Takeout/Google Photos";

/// Writes the tree under `root` (which must exist) and returns what importing it must find.
pub fn write_takeout_tree(root: &Path, media: &TestMedia) -> io::Result<ExpectedTakeout> {
    let mut tree = Tree { root, media, serial: 0, expected: ExpectedTakeout::default() };
    let year = format!("{PHOTOS}/Photos from 2019");
    let at = |month, day, hour| Utc.with_ymd_and_hms(2019, month, day, hour, 0, 0).unwrap();

    let eiffel =
        Shot { location: Some((48.858_370, 2.294_481, 35.5)), ..Shot::new("IMG_20190601_101500.jpg", at(6, 1, 10)) };
    let located = tree.photo(&year, "IMG_20190601_101500.jpg", "plain .json sidecar with a location")?;
    tree.sidecar(located, "IMG_20190601_101500.jpg.json", &eiffel)?;

    let picnic = Shot {
        description: Some("Picnic by the Seine"),
        favorited: true,
        ..Shot::new("IMG_20190602_120000.jpg", at(6, 2, 12))
    };
    let favorite =
        tree.photo(&year, "IMG_20190602_120000.jpg", "supplemental-metadata sidecar, favorite, description")?;
    tree.sidecar(favorite, "IMG_20190602_120000.jpg.supplemental-metadata.json", &picnic)?;

    let long_title = "Family_holiday_at_the_seaside_in_Brittany_summer_2019_near_the_lighthouse.jpg";
    let long_name = exported_media_name(long_title);
    let long_sidecar = exported_sidecar_name(&long_name, true, None);
    let beach = Shot { people: vec!["Marie", "Louis"], ..Shot::new(long_title, at(8, 3, 15)) };
    let long = tree.photo(&year, &long_name, "long title: media name cut at 47, sidecar at 46")?;
    tree.sidecar(long, &long_sidecar, &beach)?;

    let first = Shot::new("IMG_0042.jpg", at(3, 1, 9));
    let original = tree.photo(&year, "IMG_0042.jpg", "a name that has a duplicate")?;
    tree.sidecar(original, "IMG_0042.jpg.json", &first)?;
    let duplicate = tree.photo(&year, "IMG_0042(1).jpg", "duplicate (1) with IMG.jpg(1).json")?;
    tree.sidecar(duplicate, "IMG_0042.jpg(1).json", &Shot::new("IMG_0042.jpg", at(3, 2, 9)))?;
    let other = tree.photo(&year, "IMG_0043.jpg", "a name that has a duplicate")?;
    tree.sidecar(other, "IMG_0043.jpg.supplemental-metadata.json", &Shot::new("IMG_0043.jpg", at(3, 3, 9)))?;
    let duplicate = tree.photo(&year, "IMG_0043(1).jpg", "duplicate (1) with .supplemental-metadata(1).json")?;
    tree.sidecar(duplicate, "IMG_0043.jpg.supplemental-metadata(1).json", &Shot::new("IMG_0043.jpg", at(3, 4, 9)))?;

    let unedited = tree.photo(&year, "IMG_0050.jpg", "original of an edited copy")?;
    tree.sidecar(unedited, "IMG_0050.jpg.supplemental-metadata.json", &Shot::new("IMG_0050.jpg", at(4, 5, 11)))?;
    let edited = tree.photo(&year, "IMG_0050-edited.jpg", "-edited copy sharing its original's sidecar")?;
    tree.share(edited, unedited);
    tree.expected.items[edited].edited_of = Some(tree.expected.items[unedited].path.clone());

    let pixel = "PXL_20190412_1530123456.jpg";
    let cut_sidecar = exported_sidecar_name(pixel, true, None);
    let cut = tree.photo(&year, pixel, "sidecar cut to .supplemental-metad.json")?;
    tree.sidecar(cut, &cut_sidecar, &Shot::new(pixel, at(4, 12, 15)))?;

    let still_name = if media.heic.is_some() { "IMG_0060.HEIC" } else { "IMG_0060.jpg" };
    let still = tree.photo(&year, still_name, "live photo still")?;
    tree.sidecar(still, &format!("{still_name}.json"), &Shot::new(still_name, at(5, 20, 18)))?;
    let motion = tree.video(&year, "IMG_0060.MP4", "live photo video sharing the still's sidecar")?;
    tree.share(motion, still);
    tree.expected.items[motion].live_photo_of = Some(tree.expected.items[still].path.clone());

    let archived = Shot { archived: true, location: Some((0.0, 0.0, 0.0)), ..Shot::new("IMG_0070.jpg", at(7, 1, 8)) };
    let hidden = tree.photo(&year, "IMG_0070.jpg", "archived, location 0.0/0.0 meaning none")?;
    tree.sidecar(hidden, "IMG_0070.jpg.json", &archived)?;
    let binned = tree.photo(&year, "IMG_0071.jpg", "trashed")?;
    tree.sidecar(binned, "IMG_0071.jpg.json", &Shot { trashed: true, ..Shot::new("IMG_0071.jpg", at(7, 2, 8)) })?;

    tree.photo(&year, "IMG_0080.jpg", "no sidecar at all")?;
    let broken = tree.photo(&year, "IMG_0090.jpg", "sidecar that is not valid JSON")?;
    tree.write(&format!("{year}/IMG_0090.jpg.json"), b"{\"title\": \"IMG_0090.jpg\", \"photoTakenTime\": {")?;
    tree.expected.items[broken].sidecar_path = Some(format!("{year}/IMG_0090.jpg.json"));
    tree.expected.items[broken].sidecar_error = true;

    let clip = "VID_20190704_183000.mp4";
    let video = tree.video(&year, clip, "video with its own sidecar")?;
    tree.sidecar(video, &format!("{clip}.supplemental-metadata.json"), &Shot::new(clip, at(7, 4, 18)))?;
    let bare = tree.photo(&year, "IMG_0100.jpg", "older sidecar named without the extension")?;
    tree.sidecar(bare, "IMG_0100.json", &Shot::new("IMG_0100", at(9, 9, 9)))?;

    let orphan = format!("{year}/IMG_0999.jpg.json");
    tree.write(&orphan, google_sidecar(&Shot::new("IMG_0999.jpg", at(9, 10, 9)), 999).to_string().as_bytes())?;
    tree.expected.unmatched_sidecars.push(orphan);

    let paris = tree.album("Été à Paris", None)?;
    tree.copy_into_album(located, &paris, "IMG_20190601_101500.jpg.json", &eiffel)?;
    tree.copy_into_album(favorite, &paris, "IMG_20190602_120000.jpg.supplemental-metadata.json", &picnic)?;
    let rome = tree.album("Trip to Rome", Some("Spring in the eternal city"))?;
    tree.copy_into_album(original, &rome, "IMG_0042.jpg.json", &first)?;
    tree.copy_into_album(long, &rome, &long_sidecar, &beach)?;

    let browser = "Takeout/archive_browser.html".to_string();
    tree.write(&browser, b"<html><body>Takeout</body></html>")?;
    tree.expected.skipped.push(browser);
    for account_file in ["print-subscriptions.json", "user-generated-memory-titles.json", "shared_album_comments.json"]
    {
        let path = format!("{PHOTOS}/{account_file}");
        tree.write(&path, b"{\"items\": []}")?;
        tree.expected.skipped.push(path);
    }

    let mut expected = tree.expected;
    expected.items.sort_by(|a, b| a.path.cmp(&b.path));
    expected.albums.sort_by(|a, b| a.folder.cmp(&b.folder));
    Ok(expected)
}

impl Shot {
    fn new(title: &str, taken_at: DateTime<Utc>) -> Self {
        Shot { title: title.to_string(), taken_at, ..Shot::default() }
    }
}

struct Tree<'a> {
    root: &'a Path,
    media: &'a TestMedia,
    serial: u32,
    expected: ExpectedTakeout,
}

impl Tree<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(full, bytes)
    }

    fn photo(&mut self, folder: &str, name: &str, case: &'static str) -> io::Result<usize> {
        let base = match &self.media.heic {
            Some(heic) if name.to_ascii_lowercase().ends_with(".heic") => heic.clone(),
            _ => self.media.jpeg.clone(),
        };
        self.media_file(folder, name, case, &base, false)
    }

    fn video(&mut self, folder: &str, name: &str, case: &'static str) -> io::Result<usize> {
        let base = self.media.mp4.clone();
        self.media_file(folder, name, case, &base, true)
    }

    fn media_file(
        &mut self,
        folder: &str,
        name: &str,
        case: &'static str,
        base: &[u8],
        is_video: bool,
    ) -> io::Result<usize> {
        self.serial += 1;
        let path = format!("{folder}/{name}");
        self.write(&path, &unique_bytes(base, self.serial))?;
        self.expected.items.push(ExpectedItem { path, case, is_video, ..ExpectedItem::default() });
        Ok(self.expected.items.len() - 1)
    }

    /// Writes the sidecar of item `at`, in its folder.
    fn sidecar(&mut self, at: usize, name: &str, shot: &Shot) -> io::Result<()> {
        self.serial += 1;
        let folder = self.expected.items[at].path.rsplit_once('/').map_or("", |(folder, _)| folder).to_string();
        let path = format!("{folder}/{name}");
        let json = serde_json::to_string_pretty(&google_sidecar(shot, self.serial)).map_err(io::Error::other)?;
        self.write(&path, json.as_bytes())?;
        let item = &mut self.expected.items[at];
        item.sidecar_path = Some(path);
        item.favorited = shot.favorited;
        item.archived = shot.archived;
        item.trashed = shot.trashed;
        item.taken_at = Some(shot.taken_at);
        let location = shot.location.filter(|(latitude, longitude, _)| *latitude != 0.0 || *longitude != 0.0);
        item.latitude = location.map(|(latitude, _, _)| latitude);
        item.longitude = location.map(|(_, longitude, _)| longitude);
        item.description = shot.description.map(str::to_string);
        item.people = shot.people.iter().map(|person| person.to_string()).collect();
        Ok(())
    }

    /// Item `at` uses the sidecar of item `from`.
    fn share(&mut self, at: usize, from: usize) {
        let source = self.expected.items[from].clone();
        let item = &mut self.expected.items[at];
        *item = ExpectedItem { path: item.path.clone(), case: item.case, is_video: item.is_video, ..source };
    }

    fn album(&mut self, title: &str, description: Option<&str>) -> io::Result<String> {
        let folder = format!("{PHOTOS}/{title}");
        let metadata = json!({
            "title": title,
            "description": description.unwrap_or_default(),
            "access": "protected",
            "date": {"timestamp": "1561939200", "formatted": "Jul 1, 2019, 12:00:00 AM UTC"},
        });
        self.write(&format!("{folder}/metadata.json"), metadata.to_string().as_bytes())?;
        self.expected.albums.push(ExpectedAlbum {
            folder: folder.clone(),
            title: title.to_string(),
            description: description.map(str::to_string),
        });
        Ok(folder)
    }

    /// Puts a copy of year-folder item `of`, same bytes and same sidecar, into an album folder.
    fn copy_into_album(&mut self, of: usize, folder: &str, sidecar_name: &str, shot: &Shot) -> io::Result<()> {
        let source = self.expected.items[of].clone();
        let name = source.path.rsplit_once('/').map_or(source.path.as_str(), |(_, name)| name);
        let path = format!("{folder}/{name}");
        self.write(&path, &fs::read(self.root.join(&source.path))?)?;
        let title = self.expected.albums.iter().find(|album| album.folder == folder).map(|album| album.title.clone());
        self.expected.items.push(ExpectedItem {
            path,
            case: "album copy of a year-folder file",
            album_titles: title.into_iter().collect(),
            same_bytes_as: Some(source.path.clone()),
            ..source
        });
        let copy = self.expected.items.len() - 1;
        self.sidecar(copy, sidecar_name, shot)
    }
}

/// A sidecar as Google writes it: string timestamps, 0.0/0.0 for no location, flags only when set.
fn google_sidecar(shot: &Shot, serial: u32) -> Value {
    let time = |at: DateTime<Utc>| json!({"timestamp": at.timestamp().to_string(), "formatted": at.format("%b %-d, %Y, %-I:%M:%S %p UTC").to_string()});
    let (latitude, longitude, altitude) = shot.location.unwrap_or_default();
    let geo = json!({"latitude": latitude, "longitude": longitude, "altitude": altitude, "latitudeSpan": 0.0, "longitudeSpan": 0.0});
    let mut sidecar = json!({
        "title": shot.title,
        "description": shot.description.unwrap_or_default(),
        "imageViews": "7",
        "creationTime": time(shot.taken_at + chrono::Duration::hours(2)),
        "photoTakenTime": time(shot.taken_at),
        "geoData": geo,
        "geoDataExif": geo,
        "url": format!("https://photos.google.com/photo/AF1QipTest{serial:04}"),
        "googlePhotosOrigin": {"mobileUpload": {"deviceType": "ANDROID_PHONE"}},
    });
    if !shot.people.is_empty() {
        sidecar["people"] = shot.people.iter().map(|name| json!({"name": name})).collect();
    }
    for (flag, set) in [("favorited", shot.favorited), ("archived", shot.archived), ("trashed", shot.trashed)] {
        if set {
            sidecar[flag] = json!(true);
        }
    }
    sidecar
}

/// `base` made unique by `serial`, where decoders ignore the difference (see the module doc).
pub fn unique_bytes(base: &[u8], serial: u32) -> Vec<u8> {
    let tag = format!("shoebox-takeout-test-{serial:05}");
    let mut bytes = base.to_vec();
    if base.len() >= 8 && &base[4..8] == b"ftyp" {
        close_open_ended_box(&mut bytes);
        bytes.extend_from_slice(&(8 + tag.len() as u32).to_be_bytes());
        bytes.extend_from_slice(b"free");
    }
    bytes.extend_from_slice(tag.as_bytes());
    bytes
}

/// A last top-level box of size 0 runs to the end of the file; give it its real size so a box
/// can follow it.
fn close_open_ended_box(bytes: &mut [u8]) {
    let mut at = 0usize;
    while at + 8 <= bytes.len() {
        let size = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as u64;
        let size = match size {
            0 => {
                if let Ok(rest) = u32::try_from(bytes.len() - at) {
                    bytes[at..at + 4].copy_from_slice(&rest.to_be_bytes());
                }
                return;
            }
            1 if at + 16 <= bytes.len() => u64::from_be_bytes(bytes[at + 8..at + 16].try_into().expect("8 bytes")),
            size => size,
        };
        if size < 8 {
            return;
        }
        at = at.saturating_add(usize::try_from(size).unwrap_or(usize::MAX));
    }
}

impl ExpectedTakeout {
    /// Compares a plan of the tree with what it must find; the differences, one line each.
    pub fn check(&self, plan: &TakeoutPlan) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let album_title = |folder: &String| {
            plan.albums
                .iter()
                .find(|album| &album.folder == folder)
                .map_or_else(|| format!("?{folder}"), |a| a.title.clone())
        };
        for expected in &self.items {
            let Some(item) = plan.items.iter().find(|item| item.path == expected.path) else {
                problems.push(format!("{} ({}): not planned", expected.path, expected.case));
                continue;
            };
            let mut differ = |what: &str, found: String, wanted: String| {
                if found != wanted {
                    problems
                        .push(format!("{} ({}): {what} is {found}, expected {wanted}", expected.path, expected.case));
                }
            };
            differ("sidecar", format!("{:?}", item.sidecar_path), format!("{:?}", expected.sidecar_path));
            differ("sidecar error", item.sidecar_error.is_some().to_string(), expected.sidecar_error.to_string());
            differ("edited_of", format!("{:?}", item.edited_of), format!("{:?}", expected.edited_of));
            differ("live_photo_of", format!("{:?}", item.live_photo_of), format!("{:?}", expected.live_photo_of));
            let albums: Vec<String> = item.album_folders.iter().map(album_title).collect();
            differ("albums", format!("{albums:?}"), format!("{:?}", expected.album_titles));
            let facts = item.sidecar.clone().unwrap_or_default();
            differ("favorited", facts.favorited.to_string(), expected.favorited.to_string());
            differ("archived", facts.archived.to_string(), expected.archived.to_string());
            differ("trashed", facts.trashed.to_string(), expected.trashed.to_string());
            differ("taken_at", format!("{:?}", facts.taken_at), format!("{:?}", expected.taken_at));
            differ("latitude", format!("{:?}", facts.latitude), format!("{:?}", expected.latitude));
            differ("longitude", format!("{:?}", facts.longitude), format!("{:?}", expected.longitude));
            differ("description", format!("{:?}", facts.description), format!("{:?}", expected.description));
            differ("people", format!("{:?}", facts.people), format!("{:?}", expected.people));
        }
        for item in &plan.items {
            if !self.items.iter().any(|expected| expected.path == item.path) {
                problems.push(format!("{}: planned but not expected", item.path));
            }
        }
        let albums: Vec<ExpectedAlbum> = plan
            .albums
            .iter()
            .map(|album| ExpectedAlbum {
                folder: album.folder.clone(),
                title: album.title.clone(),
                description: album.description.clone(),
            })
            .collect();
        if albums != self.albums {
            problems.push(format!("albums are {albums:?}, expected {:?}", self.albums));
        }
        if plan.unmatched_sidecars != self.unmatched_sidecars {
            problems.push(format!(
                "unmatched sidecars are {:?}, expected {:?}",
                plan.unmatched_sidecars, self.unmatched_sidecars
            ));
        }
        for path in &self.skipped {
            if !plan.skipped.iter().any(|skipped| &skipped.path == path) {
                problems.push(format!("{path}: not skipped"));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::takeout::{entries_in_folder, plan};

    fn plan_tree(media: &TestMedia) -> (tempfile::TempDir, ExpectedTakeout, TakeoutPlan) {
        let dir = tempfile::tempdir().unwrap();
        let expected = write_takeout_tree(dir.path(), media).unwrap();
        let entries = entries_in_folder(dir.path()).unwrap();
        let plan = plan(&entries, &mut |path| fs::read(dir.path().join(path)));
        (dir, expected, plan)
    }

    #[test]
    fn plan_finds_every_case_of_the_tree() {
        let (dir, expected, plan) = plan_tree(&TestMedia::synthetic());
        if let Err(problems) = expected.check(&plan) {
            panic!("{} problems:\n{}", problems.len(), problems.join("\n"));
        }
        assert_eq!(expected.items.len(), 22);
        assert_eq!(expected.albums.len(), 2);

        // Every file has bytes of its own, except album copies, which have their original's.
        let mut by_bytes: HashMap<Vec<u8>, &str> = HashMap::new();
        for item in &expected.items {
            let bytes = fs::read(dir.path().join(&item.path)).unwrap();
            match (by_bytes.get(&bytes), &item.same_bytes_as) {
                (Some(first), Some(same)) => assert_eq!(first, same),
                (None, None) => {}
                (found, same) => panic!("{}: same bytes as {found:?}, expected {same:?}", item.path),
            }
            by_bytes.entry(bytes).or_insert(&item.path);
        }
    }

    #[test]
    fn without_heic_the_live_photo_is_a_jpeg() {
        let media = TestMedia { heic: None, ..TestMedia::synthetic() };
        let (_dir, expected, plan) = plan_tree(&media);
        expected.check(&plan).unwrap();
        let motion = expected.items.iter().find(|item| item.path.ends_with("IMG_0060.MP4")).unwrap();
        assert!(motion.live_photo_of.as_deref().unwrap().ends_with("IMG_0060.jpg"));
    }

    #[test]
    fn check_reports_what_differs() {
        let (_dir, expected, mut plan) = plan_tree(&TestMedia::synthetic());
        plan.items.retain(|item| !item.path.ends_with("IMG_0080.jpg"));
        plan.items[0].sidecar = None;
        let problems = expected.check(&plan).unwrap_err();
        assert!(problems.iter().any(|problem| problem.contains("IMG_0080.jpg (no sidecar at all): not planned")));
        assert!(problems.len() >= 2, "{problems:?}");
    }

    #[test]
    fn unique_bytes_keep_iso_bmff_boxes_whole() {
        let open_ended = [&[0, 0, 0, 16][..], b"ftypisom", &[0, 0, 0, 0], &[0, 0, 0, 0], b"mdat", b"data"].concat();
        let bytes = unique_bytes(&open_ended, 7);
        let mut at = 0;
        let mut kinds = Vec::new();
        while at < bytes.len() {
            let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            kinds.push(String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned());
            at += size;
        }
        assert_eq!(at, bytes.len());
        assert_eq!(kinds, ["ftyp", "mdat", "free"]);
        let jpeg = unique_bytes(&TestMedia::synthetic().jpeg, 7);
        assert!(jpeg.starts_with(&[0xFF, 0xD8]) && jpeg.ends_with(b"shoebox-takeout-test-00007"));
        assert_ne!(unique_bytes(&jpeg, 1), unique_bytes(&jpeg, 2));
    }
}
