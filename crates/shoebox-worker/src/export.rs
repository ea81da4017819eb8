//! A user's whole library as one zip: every original (outside the trash and the locked folder)
//! in folders by year and month or by album, each beside an XMP sidecar (date taken with its
//! offset, place, caption, rating, people as face regions, tags) and a JSON file in Google
//! Takeout's sidecar shape (album folders with Google's `metadata.json`), so the export opens in digiKam or Lightroom and imports back into
//! Shoebox, Immich or anything that reads Takeout. Entries are stored, not compressed: photos
//! and videos are compressed already.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use chrono::{Datelike, FixedOffset};
use serde::Serialize;
use shoebox_backup::Progress;
use shoebox_db::export::ExportedAsset;
use shoebox_interchange::{ExportFacts, PersonRegion};
use shoebox_storage::Key;
use uuid::Uuid;
use zip::write::SimpleFileOptions;

use crate::Pipeline;

/// How the export's folders are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// `2024/06/IMG_1.jpg`.
    Date,
    /// `Album name/IMG_1.jpg`, a photo in several albums once in each; the rest by date under
    /// `Not in an album/`.
    Album,
}

impl GroupBy {
    pub fn parse(raw: &str) -> Option<GroupBy> {
        match raw {
            "date" => Some(GroupBy::Date),
            "album" => Some(GroupBy::Album),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    pub assets: usize,
    /// Originals written (a photo in two albums counts twice).
    pub files: usize,
    pub bytes: u64,
    /// Originals missing from storage: left out, and listed.
    pub missing: Vec<String>,
}

impl std::fmt::Display for ExportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "export: {} photos and videos, {} files, {} bytes", self.assets, self.files, self.bytes)?;
        writeln!(f, "  missing from storage: {}", self.missing.len())?;
        for name in &self.missing {
            writeln!(f, "    {name}")?;
        }
        Ok(())
    }
}

/// Writes `owner`'s library as a zip at `zip_path`.
pub async fn export(
    pipeline: &Pipeline,
    owner: Uuid,
    group_by: GroupBy,
    zip_path: &Path,
    progress: Arc<Progress>,
) -> anyhow::Result<ExportReport> {
    let db = &pipeline.db;
    let assets = shoebox_db::export::assets(db, owner).await?;
    let mut albums: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (asset, album) in shoebox_db::export::album_memberships(db, owner).await? {
        albums.entry(asset).or_default().push(album);
    }
    let mut tags: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (asset, tag) in shoebox_db::export::tags(db, owner).await? {
        tags.entry(asset).or_default().push(tag);
    }
    let mut people: HashMap<Uuid, Vec<PersonRegion>> = HashMap::new();
    for face in shoebox_db::export::named_faces(db, owner).await? {
        let (w, h) = (face.image_width.max(1) as f64, face.image_height.max(1) as f64);
        people.entry(face.asset_id).or_default().push(PersonRegion {
            name: face.name,
            x: (face.x1 + face.x2) as f64 / 2.0 / w,
            y: (face.y1 + face.y2) as f64 / 2.0 / h,
            w: (face.x2 - face.x1) as f64 / w,
            h: (face.y2 - face.y1) as f64 / h,
        });
    }
    progress.set_total(assets.len());
    let file = std::fs::File::create(zip_path).with_context(|| format!("cannot create {}", zip_path.display()))?;
    let zip = Arc::new(Mutex::new(zip::ZipWriter::new(file)));
    let mut taken_names: HashSet<String> = HashSet::new();
    if group_by == GroupBy::Album {
        // Google's album marker, so the export imports back as albums wherever Takeout is read.
        let mut names: Vec<&String> = albums.values().flatten().collect::<HashSet<_>>().into_iter().collect();
        names.sort();
        let mut zip = zip.lock().expect("zip lock");
        for name in names {
            let folder = safe_name(name);
            zip.start_file(format!("{folder}/metadata.json"), SimpleFileOptions::default())?;
            zip.write_all(&serde_json::to_vec_pretty(&serde_json::json!({ "title": name }))?)?;
        }
    }
    let mut report = ExportReport { assets: assets.len(), ..Default::default() };
    for asset in &assets {
        let facts = facts_of(asset, tags.remove(&asset.id).unwrap_or_default(), people.remove(&asset.id).unwrap_or_default());
        let folders = folders_of(asset, group_by, albums.get(&asset.id));
        let key = Key::parse(asset.original_path.as_str())?;
        let copy = match pipeline.storage.local_copy(&key).await {
            Ok(copy) => copy,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                report.missing.push(asset.original_file_name.clone());
                progress.step();
                continue;
            }
            Err(err) => return Err(anyhow::Error::new(err).context(format!("cannot read {key}"))),
        };
        for folder in folders {
            let name = free_name(&mut taken_names, &folder, &safe_name(&asset.original_file_name));
            let xmp = shoebox_interchange::write_xmp(&facts);
            let json = serde_json::to_vec_pretty(&shoebox_interchange::photo_sidecar_json(&facts))?;
            let (zip, path, name) = (zip.clone(), copy.path().to_owned(), name.clone());
            let written = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
                let mut zip = zip.lock().expect("zip lock");
                let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(true);
                zip.start_file(name.as_str(), stored)?;
                let written = std::io::copy(&mut std::fs::File::open(&path)?, &mut *zip)?;
                let deflated = SimpleFileOptions::default();
                zip.start_file(format!("{name}.xmp"), deflated)?;
                zip.write_all(xmp.as_bytes())?;
                zip.start_file(format!("{name}.supplemental-metadata.json"), deflated)?;
                zip.write_all(&json)?;
                Ok(written)
            })
            .await??;
            report.files += 1;
            report.bytes += written;
        }
        progress.step();
    }
    let zip = Arc::try_unwrap(zip).map_err(|_| anyhow::anyhow!("the zip is still in use"))?.into_inner().expect("zip lock");
    tokio::task::spawn_blocking(move || zip.finish().map(drop)).await??;
    Ok(report)
}

/// The facts the sidecars carry: the date with the offset it was taken at, where known.
fn facts_of(asset: &ExportedAsset, tags: Vec<String>, people: Vec<PersonRegion>) -> ExportFacts {
    // The date the timeline shows: the file's own when it has one, else the one it was uploaded with.
    let utc = FixedOffset::east_opt(0).expect("zero offset");
    let taken_at = match asset.date_time_original {
        Some(instant) => {
            let offset = (asset.local_date_time - instant).num_seconds();
            let offset = FixedOffset::east_opt(offset as i32).filter(|_| offset.abs() <= 18 * 3600).unwrap_or(utc);
            Some(instant.with_timezone(&offset))
        }
        None => Some(asset.file_created_at.with_timezone(&utc)),
    };
    ExportFacts {
        title: asset.original_file_name.clone(),
        description: asset.description.clone().filter(|d| !d.is_empty()),
        taken_at,
        created_at: Some(asset.file_created_at),
        latitude: asset.latitude,
        longitude: asset.longitude,
        rating: asset.rating,
        favorite: asset.is_favorite,
        archived: asset.visibility == "archive",
        tags,
        people,
        image_width: asset.width.map(|w| w as u32),
        image_height: asset.height.map(|h| h as u32),
        ..ExportFacts::default()
    }
}

fn by_date(asset: &ExportedAsset) -> String {
    format!("{:04}/{:02}", asset.local_date_time.year(), asset.local_date_time.month())
}

fn folders_of(asset: &ExportedAsset, group_by: GroupBy, albums: Option<&Vec<String>>) -> Vec<String> {
    match (group_by, albums) {
        (GroupBy::Album, Some(albums)) if !albums.is_empty() => albums.iter().map(|album| safe_name(album)).collect(),
        (GroupBy::Album, _) => vec![format!("Not in an album/{}", by_date(asset))],
        (GroupBy::Date, _) => vec![by_date(asset)],
    }
}

/// A name safe as one path part in a zip on every system.
fn safe_name(raw: &str) -> String {
    let cleaned: String =
        raw.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    let cleaned = cleaned.trim().trim_matches('.').to_owned();
    if cleaned.is_empty() { "untitled".to_owned() } else { cleaned }
}

/// `folder/name`, or `folder/stem (2).ext` when that is taken.
fn free_name(taken: &mut HashSet<String>, folder: &str, name: &str) -> String {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, format!(".{extension}")),
        _ => (name, String::new()),
    };
    let mut candidate = format!("{folder}/{name}");
    let mut counter = 2;
    while !taken.insert(candidate.to_lowercase()) {
        candidate = format!("{folder}/{stem} ({counter}){extension}");
        counter += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe_and_unique_within_a_folder() {
        let mut taken = HashSet::new();
        assert_eq!(free_name(&mut taken, "2024/06", "IMG_1.jpg"), "2024/06/IMG_1.jpg");
        assert_eq!(free_name(&mut taken, "2024/06", "img_1.JPG"), "2024/06/img_1 (2).JPG");
        assert_eq!(free_name(&mut taken, "2024/07", "IMG_1.jpg"), "2024/07/IMG_1.jpg");
        assert_eq!(safe_name("a/b:c"), "a_b_c");
        assert_eq!(safe_name(".."), "untitled");
    }
}
