//! `/api/download/info` and `/api/download/archive`: originals as zip files, the way Immich's web
//! and mobile apps download a selection, an album or a whole library.
//!
//! The archive streams as it is written: files are stored, not compressed (photos and videos
//! are compressed already), and a file that cannot be read mid-way aborts the response so the
//! client never takes a truncated zip for a whole one.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};
use shoebox_storage::{Key, Storage};
use shoebox_db::downloads::{self, DownloadItem, DownloadScope};
use tokio::sync::mpsc;
use tokio_util::io::SyncIoBridge;
use uuid::Uuid;

use crate::api::bulk_body_limit;
use crate::auth::viewer::Viewer;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;

/// Immich's default split: archives of at most 4 GiB.
const DEFAULT_ARCHIVE_SIZE: i64 = 4 * 1024 * 1024 * 1024;
/// Most assets one archive request takes.
const MAX_ARCHIVE_ASSETS: usize = 10_000;
/// Bytes gathered before a chunk goes to the client.
const CHUNK_BYTES: usize = 256 * 1024;

/// `POST /download/info`: quick JSON, under the API's timeout.
pub fn info_router() -> Router<ApiContext> {
    Router::new().route("/download/info", post(info).layer(bulk_body_limit()))
}

/// `POST /download/archive`: streams for as long as it takes.
pub fn archive_router() -> Router<ApiContext> {
    Router::new().route("/download/archive", post(archive))
}

/// `DownloadInfoDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InfoRequest {
    asset_ids: Option<Vec<Uuid>>,
    album_id: Option<Uuid>,
    user_id: Option<Uuid>,
    archive_size: Option<i64>,
}

/// `DownloadResponseDto`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct InfoResponse {
    total_size: i64,
    archives: Vec<ArchiveInfo>,
}

/// `DownloadArchiveInfo`.
#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct ArchiveInfo {
    size: i64,
    asset_ids: Vec<Uuid>,
}

async fn info(State(ctx): State<ApiContext>, viewer: Viewer, Json(body): Json<InfoRequest>) -> ApiResult<Response> {
    viewer.require_download()?;
    let archive_size = match body.archive_size {
        None => DEFAULT_ARCHIVE_SIZE,
        Some(size) if size >= 1 => size,
        Some(size) => return Err(ApiError::bad_request(format!("archiveSize must be at least 1, not {size}"))),
    };
    let user = viewer.user_id();
    let items = match (&viewer, &body.asset_ids, body.album_id, body.user_id) {
        (_, Some(ids), _, _) => visible_items(&ctx, &viewer, ids).await?,
        // A shared link downloads its own album, whatever else is asked.
        (Viewer::Link(link), None, _, _) => {
            downloads::items(&ctx.db, user, DownloadScope::Album(link.album_id)).await?
        }
        (Viewer::User(_), None, Some(album), _) => {
            shoebox_db::albums::get(&ctx.db, user, album).await?.ok_or_else(|| ApiError::not_found("Album"))?;
            downloads::items(&ctx.db, user, DownloadScope::Album(album)).await?
        }
        (Viewer::User(_), None, None, Some(owner)) if owner == user => {
            downloads::items(&ctx.db, user, DownloadScope::Library).await?
        }
        (Viewer::User(_), None, None, Some(_)) => {
            return Err(ApiError::Forbidden("You can only download your own library".into()));
        }
        (Viewer::User(_), None, None, None) => {
            return Err(ApiError::bad_request("assetIds, albumId or userId is required"));
        }
    };
    let archives = split_into_archives(&items, archive_size);
    let total_size = archives.iter().map(|archive| archive.size).sum();
    Ok((StatusCode::CREATED, axum::Json(InfoResponse { total_size, archives })).into_response())
}

/// `DownloadArchiveDto`; `edited` is accepted and ignored, since Shoebox keeps no edits.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArchiveRequest {
    asset_ids: Vec<Uuid>,
}

async fn archive(
    State(ctx): State<ApiContext>,
    viewer: Viewer,
    Json(body): Json<ArchiveRequest>,
) -> ApiResult<Response> {
    viewer.require_download()?;
    if body.asset_ids.is_empty() {
        return Err(ApiError::bad_request("assetIds must name at least one asset"));
    }
    if body.asset_ids.len() > MAX_ARCHIVE_ASSETS {
        return Err(ApiError::bad_request(format!(
            "An archive holds at most {MAX_ARCHIVE_ASSETS} assets; ask /download/info how to split them"
        )));
    }
    let items = visible_items(&ctx, &viewer, &body.asset_ids).await?;
    let (sender, mut receiver) = mpsc::channel::<io::Result<Bytes>>(4);
    let storage = ctx.storage.clone();
    let runtime = tokio::runtime::Handle::current();
    let user = viewer.user_id();
    tokio::task::spawn_blocking(move || {
        let sink = ChannelWriter { sender: sender.clone() };
        if let Err(err) = write_archive(storage, runtime, &items, BufWriter::with_capacity(CHUNK_BYTES, sink)) {
            // The client is told by a broken body; a gone client is not worth a warning.
            if err.kind() != io::ErrorKind::BrokenPipe {
                tracing::warn!(%user, error = %err, "download archive aborted");
                let _ = sender.blocking_send(Err(err));
            }
        }
    });
    let file_name = format!("shoebox-{}.zip", Utc::now().format("%Y%m%d-%H%M%S"));
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(futures::stream::poll_fn(move |cx| receiver.poll_recv(cx))),
    )
        .into_response())
}

/// The assets among `ids` the viewer may download, in their order: a user's own and those
/// shared with them, a link's holder only its album's. Any other id fails the request.
async fn visible_items(ctx: &ApiContext, viewer: &Viewer, ids: &[Uuid]) -> ApiResult<Vec<DownloadItem>> {
    let mut unique = ids.to_vec();
    let mut seen = std::collections::HashSet::new();
    unique.retain(|id| seen.insert(*id));
    let mut items = downloads::items(
        &ctx.db,
        viewer.user_id(),
        DownloadScope::Assets { ids: &unique, unlocked: viewer.unlocked() },
    )
    .await?;
    if let Viewer::Link(link) = viewer {
        let album: std::collections::HashSet<Uuid> =
            downloads::items(&ctx.db, link.owner_id, DownloadScope::Album(link.album_id))
                .await?
                .iter()
                .map(|i| i.id)
                .collect();
        items.retain(|item| album.contains(&item.id));
    }
    if items.len() < unique.len() {
        let found: std::collections::HashSet<Uuid> = items.iter().map(|item| item.id).collect();
        let missing: Vec<String> =
            unique.iter().filter(|id| !found.contains(id)).take(5).map(Uuid::to_string).collect();
        return Err(ApiError::bad_request(format!(
            "{} of the assets were not found or are not yours: {}{}",
            unique.len() - items.len(),
            missing.join(", "),
            if unique.len() - items.len() > missing.len() { ", …" } else { "" }
        )));
    }
    Ok(items)
}

/// Consecutive runs of assets whose sizes add up to at most `limit` (a larger file gets an
/// archive of its own).
fn split_into_archives(items: &[DownloadItem], limit: i64) -> Vec<ArchiveInfo> {
    let mut archives: Vec<ArchiveInfo> = Vec::new();
    for item in items {
        match archives.last_mut() {
            Some(last) if last.size + item.file_size_bytes <= limit => {
                last.size += item.file_size_bytes;
                last.asset_ids.push(item.id);
            }
            _ => archives.push(ArchiveInfo { size: item.file_size_bytes, asset_ids: vec![item.id] }),
        }
    }
    archives
}

/// Writes the zip on a blocking thread: the `zip` crate's writer is synchronous.
fn write_archive(
    storage: Storage,
    runtime: tokio::runtime::Handle,
    items: &[DownloadItem],
    sink: impl Write,
) -> io::Result<()> {
    let mut zip = zip::ZipWriter::new_stream(sink);
    let mut names = EntryNames::default();
    for item in items {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(item.file_size_bytes >= i64::from(u32::MAX))
            .last_modified_time(zip_time(&item.local_date_time));
        zip.start_file(names.unique(&item.original_file_name), options).map_err(io::Error::other)?;
        let object = runtime.block_on(storage.read(&Key::parse(item.original_path.as_str())?, None)).map_err(|err| {
            io::Error::new(err.kind(), format!("original of asset {} cannot be read: {err}", item.id))
        })?;
        io::copy(&mut SyncIoBridge::new_with_handle(object.body, runtime.clone()), &mut zip)?;
    }
    let mut sink = zip.finish().map_err(io::Error::other)?.into_inner();
    sink.flush()
}

/// Zip keeps local wall-clock time, which is what `local_date_time` holds; dates zip cannot
/// express (before 1980) fall back to its earliest.
fn zip_time(time: &chrono::DateTime<Utc>) -> zip::DateTime {
    let (year, month, day) = (time.year(), time.month(), time.day());
    u16::try_from(year)
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                month as u8,
                day as u8,
                time.hour() as u8,
                time.minute() as u8,
                time.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

/// File names inside one archive: flat and harmless (see [`safe_entry_name`]), and a second
/// `IMG_1.jpg` becomes `IMG_1+1.jpg` as in Immich's archives.
#[derive(Default)]
struct EntryNames {
    taken: HashMap<String, u32>,
}

/// A stored file name made safe to unpack and to show: path separators, control characters
/// (CR and LF among them) and the invisible characters that reorder text (bidi overrides,
/// isolates and marks, which can make `gpj.exe` read as `exe.jpg`) become `_`, and `..` cannot
/// climb out of the folder it is unpacked into.
fn safe_entry_name(original: &str) -> String {
    let replaced: String = original
        .chars()
        .map(|c| {
            let reorders =
                matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if matches!(c, '/' | '\\') || c.is_control() || reorders { '_' } else { c }
        })
        .collect();
    let cleaned = replaced.replace("..", "_");
    let cleaned = cleaned.trim();
    if cleaned.trim_matches(['.', '_']).is_empty() { "file".to_owned() } else { cleaned.to_owned() }
}

impl EntryNames {
    fn unique(&mut self, original: &str) -> String {
        let cleaned = safe_entry_name(original);
        let (stem, extension) = match cleaned.rfind('.') {
            Some(dot) if dot > 0 => (&cleaned[..dot], &cleaned[dot..]),
            _ => (cleaned.as_str(), ""),
        };
        let mut candidate = cleaned.clone();
        loop {
            let count = self.taken.entry(candidate.to_lowercase()).or_insert(0);
            *count += 1;
            if *count == 1 {
                return candidate;
            }
            candidate = format!("{stem}+{}{extension}", *count - 1);
        }
    }
}

/// Hands the zip's bytes to the response body; a dropped body (client gone) stops the writer.
struct ChannelWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.sender
            .blocking_send(Ok(Bytes::copy_from_slice(bytes)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(size: i64) -> DownloadItem {
        DownloadItem {
            id: Uuid::new_v4(),
            original_path: String::new(),
            original_file_name: String::new(),
            file_size_bytes: size,
            local_date_time: Utc::now(),
        }
    }

    #[test]
    fn archives_split_where_the_next_file_would_pass_the_limit() {
        let items = [item(40), item(50), item(20), item(200), item(5)];
        let archives = split_into_archives(&items, 100);
        let sizes: Vec<(i64, usize)> = archives.iter().map(|a| (a.size, a.asset_ids.len())).collect();
        assert_eq!(sizes, [(90, 2), (20, 1), (200, 1), (5, 1)]);
        assert_eq!(archives[0].asset_ids, [items[0].id, items[1].id]);
        assert!(split_into_archives(&[], 100).is_empty());
    }

    #[test]
    fn entry_names_are_flat_and_unique_ignoring_case() {
        let mut names = EntryNames::default();
        assert_eq!(names.unique("IMG_1.jpg"), "IMG_1.jpg");
        assert_eq!(names.unique("img_1.JPG"), "img_1+1.JPG");
        assert_eq!(names.unique("IMG_1.jpg"), "IMG_1+2.jpg");
        assert_eq!(names.unique("../etc/passwd"), "__etc_passwd");
        assert_eq!(names.unique(".."), "file");
        assert_eq!(names.unique("README"), "README");
        assert_eq!(names.unique("README"), "README+1");
        assert_eq!(names.unique(".hidden"), ".hidden");
    }

    #[test]
    fn entry_names_lose_line_breaks_reordering_and_climbing() {
        let safe_entry_name = |name: &str| EntryNames::default().unique(name);
        assert_eq!(safe_entry_name("a\r\nContent-Type: evil.jpg"), "a__Content-Type: evil.jpg");
        assert_eq!(safe_entry_name("photo\u{202E}gpj.exe"), "photo_gpj.exe");
        assert_eq!(safe_entry_name("x\u{2066}y\u{2069}\u{200F}.jpg"), "x_y__.jpg");
        assert_eq!(safe_entry_name("..\\..\\boot.ini"), "____boot.ini");
        assert_eq!(safe_entry_name("tab\there\u{7f}\u{85}.png"), "tab_here__.png");
        assert_eq!(safe_entry_name("../.."), "file");
        assert_eq!(safe_entry_name("Grüße 2024.jpg"), "Grüße 2024.jpg");
    }

    #[test]
    fn zip_times_keep_the_wall_clock_and_clamp_old_dates() {
        let taken = chrono::DateTime::parse_from_rfc3339("2013-05-10T15:21:08Z").unwrap().with_timezone(&Utc);
        let time = zip_time(&taken);
        assert_eq!((time.year(), time.month(), time.day(), time.hour(), time.minute()), (2013, 5, 10, 15, 21));
        let old = chrono::DateTime::parse_from_rfc3339("1970-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(zip_time(&old).year(), 1980);
    }
}
