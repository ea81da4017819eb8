//! Importing a Google Takeout export (Google Photos) for one user, from a folder or Google's zip:
//! the plan (which file is media, which sidecar describes it, which folders are albums) comes
//! from `shoebox_interchange::takeout`; here each file becomes an asset the way an upload does
//! (deduped by checksum, what the user deleted for good refused), with the sidecar's favorite,
//! archive, locked-folder and trash states, its date, place and caption kept for the metadata step
//! where the file lacks them, live photos paired, and albums made from the folders. A second
//! import of the same export adds nothing. The report says what was matched, skipped and why.

mod source;

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use sha1::{Digest, Sha1};
use shoebox_core::domain::Visibility;
use shoebox_core::jobs::{AssetJob, Queue};
use shoebox_core::media::{self, SNIFF_LEN};
use shoebox_db::assets::{self, InsertOutcome, NewAsset};
use shoebox_db::exif::FallbackFacts;
use shoebox_interchange::{PhotoSidecar, PlannedItem, TakeoutPlan};
use shoebox_storage::{Key, WriteMode};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

pub use source::Source;

use crate::Pipeline;

/// Where `source` came from, for the report and the assets' device id.
const DEVICE_ID: &str = "google-takeout";

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeoutReport {
    /// Media files in the export.
    pub media_files: usize,
    /// Of those, how many had their sidecar found.
    pub matched_sidecars: usize,
    pub without_sidecar: Vec<String>,
    /// Sidecars found but unreadable: the file is imported without them.
    pub sidecar_errors: Vec<(String, String)>,
    /// Sidecars no media file claimed.
    pub unmatched_sidecars: Vec<String>,
    pub imported: usize,
    /// Already in the library (same bytes), including the copies Takeout puts in both a year folder
    /// and an album folder.
    pub duplicates: usize,
    /// Deleted for good by the user before: refused, as an upload of them would be.
    pub deleted_before: usize,
    /// Files that are not a photo or video Shoebox reads, with why.
    pub unsupported: Vec<(String, String)>,
    pub albums_created: usize,
    pub album_additions: usize,
    pub live_photos_linked: usize,
    pub trashed: usize,
    /// Entries that are not media at all (Google's HTML, other products' files).
    pub skipped_entries: usize,
}

impl std::fmt::Display for TakeoutReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "takeout: {} media files, {} with their sidecar", self.media_files, self.matched_sidecars)?;
        writeln!(f, "  imported: {}; already in the library: {}; deleted before: {}", self.imported, self.duplicates, self.deleted_before)?;
        writeln!(f, "  albums created: {}; photos added to albums: {}", self.albums_created, self.album_additions)?;
        writeln!(f, "  live photos paired: {}; put in the trash as in Google Photos: {}", self.live_photos_linked, self.trashed)?;
        writeln!(f, "  not media: {} entries; unsupported: {}", self.skipped_entries, self.unsupported.len())?;
        for (path, why) in &self.unsupported {
            writeln!(f, "    unsupported {path}: {why}")?;
        }
        writeln!(f, "  without a sidecar: {}", self.without_sidecar.len())?;
        for path in &self.without_sidecar {
            writeln!(f, "    {path}")?;
        }
        writeln!(f, "  unreadable sidecars: {}", self.sidecar_errors.len())?;
        for (path, why) in &self.sidecar_errors {
            writeln!(f, "    {path}: {why}")?;
        }
        writeln!(f, "  sidecars no file claimed: {}", self.unmatched_sidecars.len())?;
        for path in &self.unmatched_sidecars {
            writeln!(f, "    {path}")?;
        }
        Ok(())
    }
}

/// How one media file ended.
enum Outcome {
    Created(Uuid),
    Duplicate(Uuid),
    Deleted,
    Unsupported(String),
}

/// Imports the export at `path` for `owner`; `progress` counts media files done.
pub async fn import(
    pipeline: &Pipeline,
    owner: Uuid,
    path: &Path,
    progress: std::sync::Arc<shoebox_backup::Progress>,
) -> anyhow::Result<TakeoutReport> {
    let source = Source::open(path)?;
    let plan = {
        let source = source.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<TakeoutPlan> {
            let entries = source.entries().context("cannot list the export")?;
            Ok(shoebox_interchange::plan(&entries, &mut |json| source.read(json)))
        })
        .await??
    };
    progress.set_total(plan.items.len());
    let mut report = TakeoutReport {
        media_files: plan.items.len(),
        unmatched_sidecars: plan.unmatched_sidecars.clone(),
        skipped_entries: plan.skipped.len(),
        ..Default::default()
    };
    let mut ids: HashMap<&str, Uuid> = HashMap::new();
    let mut to_trash = Vec::new();
    for item in &plan.items {
        match (&item.sidecar, &item.sidecar_error) {
            (Some(_), _) => report.matched_sidecars += 1,
            (None, Some(error)) => report.sidecar_errors.push((item.path.clone(), error.clone())),
            (None, None) => report.without_sidecar.push(item.path.clone()),
        }
        let outcome = import_one(pipeline, owner, &source, item).await.with_context(|| format!("importing {}", item.path))?;
        match outcome {
            Outcome::Created(id) => {
                report.imported += 1;
                ids.insert(&item.path, id);
                if item.sidecar.as_ref().is_some_and(|s| s.trashed) {
                    to_trash.push(id);
                }
            }
            Outcome::Duplicate(id) => {
                report.duplicates += 1;
                ids.insert(&item.path, id);
            }
            Outcome::Deleted => report.deleted_before += 1,
            Outcome::Unsupported(why) => report.unsupported.push((item.path.clone(), why)),
        }
        progress.step();
    }

    for item in &plan.items {
        let (Some(still), Some(&video)) = (item.live_photo_of.as_deref(), ids.get(item.path.as_str())) else { continue };
        let Some(&still) = ids.get(still) else { continue };
        let linkable = assets::prepare_live_photo_video(&pipeline.db, owner, video).await?;
        if linkable == assets::LiveVideoCheck::Linkable && assets::set_live_photo_video(&pipeline.db, owner, still, Some(video)).await? {
            report.live_photos_linked += 1;
        }
    }
    report.trashed = assets::trash(&pipeline.db, owner, &to_trash).await?.len();

    for album in &plan.albums {
        let members: Vec<Uuid> = plan
            .items
            .iter()
            .filter(|item| item.album_folders.contains(&album.folder))
            .filter_map(|item| ids.get(item.path.as_str()).copied())
            .collect();
        let existing = shoebox_db::albums::find_owned_by_name(&pipeline.db, owner, &album.title).await?;
        match existing {
            Some(id) => {
                let added = shoebox_db::albums::add_assets(&pipeline.db, owner, id, &members).await?.unwrap_or_default();
                report.album_additions += added.iter().filter(|o| **o == shoebox_db::albums::BulkOutcome::Done).count();
            }
            None => {
                let new = shoebox_db::albums::NewAlbum {
                    owner_id: owner,
                    album_name: album.title.clone(),
                    description: album.description.clone().unwrap_or_default(),
                };
                shoebox_db::albums::create(&pipeline.db, &new, &members).await?;
                report.albums_created += 1;
                report.album_additions += members.len();
            }
        }
    }
    Ok(report)
}

/// Stores one media file as an asset of `owner`, as an upload of it would be stored.
async fn import_one(pipeline: &Pipeline, owner: Uuid, source: &Source, item: &PlannedItem) -> anyhow::Result<Outcome> {
    let staged = {
        let (source, path, storage) = (source.clone(), item.path.clone(), pipeline.storage.clone());
        tokio::task::spawn_blocking(move || source.stage(&path, &storage)).await??
    };
    let mut file = tokio::fs::File::open(staged.path()).await?;
    let modified: chrono::DateTime<chrono::Utc> = file.metadata().await?.modified()?.into();
    let mut head = vec![0u8; SNIFF_LEN];
    let mut filled = 0;
    while filled < head.len() {
        let read = file.read(&mut head[filled..]).await?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    head.truncate(filled);
    let Some(format) = media::detect(&head) else {
        return Ok(Outcome::Unsupported("not a photo or video Shoebox reads".into()));
    };
    let asset_id = Uuid::new_v4();
    let key = Key::original(owner, asset_id, format.extension);
    let mut writer = pipeline.storage.write(&key, WriteMode::Create).await?;
    let mut hasher = Sha1::new();
    hasher.update(&head);
    let mut size = head.len() as u64;
    writer.write(head.into()).await?;
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        size += read as u64;
        writer.write(bytes::Bytes::copy_from_slice(&buffer[..read])).await?;
    }
    drop(staged);

    let sidecar = item.sidecar.clone().unwrap_or_default();
    let taken = sidecar.taken_at.or(sidecar.created_at).unwrap_or(modified);
    let visibility = if sidecar.locked {
        Visibility::Locked
    } else if sidecar.archived {
        Visibility::Archive
    } else {
        Visibility::Timeline
    };
    let name = item.path.rsplit('/').next().unwrap_or(&item.path).to_owned();
    let new = NewAsset {
        id: asset_id,
        owner_id: owner,
        checksum: hasher.finalize().to_vec(),
        asset_type: format.asset_type,
        original_path: key.as_str().to_owned(),
        original_file_name: name,
        original_mime_type: format.mime.to_owned(),
        file_size_bytes: size as i64,
        file_created_at: taken,
        file_modified_at: modified,
        visibility,
        is_favorite: sidecar.favorited,
        duration_ms: None,
        device_asset_id: Some(item.path.clone()),
        device_id: Some(DEVICE_ID.to_owned()),
        live_photo_video_id: None,
    };
    let mut tx = pipeline.db.begin().await?;
    match assets::insert(&mut tx, &new).await? {
        InsertOutcome::Duplicate { id } => return Ok(Outcome::Duplicate(id)),
        InsertOutcome::Deleted { .. } => return Ok(Outcome::Deleted),
        InsertOutcome::Created => {}
    }
    writer.finish().await?;
    if let Err(err) = tx.commit().await {
        let _ = pipeline.storage.delete(&key).await;
        return Err(err.into());
    }
    if let Some(facts) = fallback_facts(&sidecar) {
        shoebox_db::exif::save_fallback(&pipeline.db, asset_id, &facts).await?;
    }
    if let Err(err) = pipeline.queues.push_asset(Queue::Metadata, AssetJob { asset_id }).await {
        tracing::warn!(%asset_id, error = %err, "could not queue metadata extraction; the reconcile will");
    }
    Ok(Outcome::Created(asset_id))
}

/// What the sidecar says that the metadata step may need, if anything.
fn fallback_facts(sidecar: &PhotoSidecar) -> Option<FallbackFacts> {
    let facts = FallbackFacts {
        source: DEVICE_ID.to_owned(),
        taken_at: sidecar.taken_at,
        latitude: sidecar.latitude,
        longitude: sidecar.longitude,
        description: sidecar.description.clone().filter(|d| !d.trim().is_empty()),
    };
    let empty = facts.taken_at.is_none() && facts.latitude.is_none() && facts.description.is_none();
    (!empty).then_some(facts)
}
