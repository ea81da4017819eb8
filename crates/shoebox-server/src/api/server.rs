//! Server discovery, health and capabilities: `/.well-known/immich`, `/api/server/*`.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};
use shoebox_core::media::{IMAGE_EXTENSIONS, VIDEO_EXTENSIONS};
use shoebox_db::{stats, users};

use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::ApiResult;
use crate::extract::Json;

/// The Immich version Shoebox answers as: clients warn when the server is older than they are.
pub const IMMICH_COMPAT_VERSION: (u32, u32, u32) = (3, 1, 0);

/// Days a trashed asset stays restorable, as Immich's default.
const TRASH_DAYS: u32 = 30;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/server/ping", get(ping))
        .route("/server/version", get(version))
        .route("/server/version-history", get(version_history))
        .route("/server/features", get(features))
        .route("/server/config", get(config))
        .route("/server/media-types", get(media_types))
        .route("/server/about", get(about))
        .route("/server/storage", get(storage))
        .route("/server/statistics", get(statistics))
}

/// Served at the site root, outside `/api`.
pub async fn well_known() -> Json<Value> {
    Json(json!({ "api": { "endpoint": "/api" } }))
}

async fn ping() -> Json<Value> {
    Json(json!({ "res": "pong" }))
}

async fn version() -> Json<Value> {
    let (major, minor, patch) = IMMICH_COMPAT_VERSION;
    Json(json!({ "major": major, "minor": minor, "patch": patch, "prerelease": null }))
}

/// The versions this server has run as: Shoebox keeps no history, so the one it speaks, first
/// seen when this process started.
async fn version_history() -> Json<Value> {
    static STARTED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let (major, minor, patch) = IMMICH_COMPAT_VERSION;
    let started = STARTED.get_or_init(|| crate::api::dto::iso(chrono::Utc::now()));
    Json(json!([{
        "id": format!("00000000-0000-4000-8000-{major:04}{minor:04}{patch:04}"),
        "createdAt": started,
        "version": format!("v{major}.{minor}.{patch}"),
    }]))
}

/// What the login screen and the apps switch on. The ML features are on: their jobs wait for
/// models rather than being switched off.
async fn features(State(ctx): State<ApiContext>) -> Json<Value> {
    Json(json!({
        "smartSearch": true,
        "facialRecognition": true,
        "duplicateDetection": true,
        "map": true,
        "reverseGeocoding": true,
        "importFaces": false,
        "sidecar": true,
        "search": true,
        "trash": true,
        "oauth": false,
        "oauthAutoLaunch": false,
        "ocr": ctx.config.ml.ocr.enabled,
        "passwordLogin": true,
        "configFile": false,
        "email": false,
        "realtimeTranscoding": false,
    }))
}

async fn config(State(ctx): State<ApiContext>) -> ApiResult<Json<Value>> {
    let initialized = users::admin_exists(&ctx.db).await?;
    Ok(Json(json!({
        "isInitialized": initialized,
        "isOnboarded": initialized,
        "loginPageMessage": "",
        "externalDomain": "",
        "maintenanceMode": false,
        "publicUsers": true,
        "trashDays": TRASH_DAYS,
        "userDeleteDelay": 7,
        "minFaces": ctx.config.ml.face_min_faces,
        "oauthButtonText": "",
        "mapDarkStyleUrl": "",
        "mapLightStyleUrl": "",
    })))
}

/// Extensions (with the dot) of every file type uploads accept; the CLI builds its crawl
/// pattern from these.
async fn media_types() -> Json<Value> {
    Json(json!({ "image": IMAGE_EXTENSIONS, "video": VIDEO_EXTENSIONS, "sidecar": [".xmp"] }))
}

async fn about(_auth: Auth) -> ApiResult<Json<Value>> {
    let (major, minor, patch) = IMMICH_COMPAT_VERSION;
    Ok(Json(json!({
        "version": format!("v{major}.{minor}.{patch}"),
        "versionUrl": "https://github.com/immich-app/immich/releases",
        "licensed": false,
        "build": format!("shoebox {}", env!("CARGO_PKG_VERSION")),
        "repository": "shoebox",
        "ffmpeg": "ffmpeg-next",
    })))
}

/// The disk under the originals. An object store has no size to report: there the use is the
/// originals' bytes, and the size and free space are 0 (unknown).
async fn storage(State(ctx): State<ApiContext>, _auth: Auth) -> ApiResult<Json<Value>> {
    let (space, used) = match ctx.storage.disk_space().await? {
        Some(space) => (space, space.total.saturating_sub(space.available)),
        None => {
            let used: i64 = stats::usage_by_user(&ctx.db).await?.iter().map(|user| user.usage()).sum();
            (shoebox_storage::DiskSpace { total: 0, available: 0 }, used.max(0) as u64)
        }
    };
    let percentage = if space.total == 0 { 0.0 } else { (used as f64 * 10_000.0 / space.total as f64).round() / 100.0 };
    Ok(Json(json!({
        "diskSize": human_bytes(space.total),
        "diskSizeRaw": space.total,
        "diskUse": human_bytes(used),
        "diskUseRaw": used,
        "diskAvailable": human_bytes(space.available),
        "diskAvailableRaw": space.available,
        "diskUsagePercentage": percentage,
    })))
}

async fn statistics(State(ctx): State<ApiContext>, _auth: Auth) -> ApiResult<Json<Value>> {
    let usage = stats::usage_by_user(&ctx.db).await?;
    let by_user: Vec<Value> = usage
        .iter()
        .map(|user| {
            json!({
                "userId": user.user_id,
                "userName": user.user_name,
                "photos": user.photos,
                "videos": user.videos,
                "usage": user.usage(),
                "usagePhotos": user.usage_photos,
                "usageVideos": user.usage_videos,
                "quotaSizeInBytes": user.quota_size_bytes,
            })
        })
        .collect();
    Ok(Json(json!({
        "photos": usage.iter().map(|u| u.photos).sum::<i64>(),
        "videos": usage.iter().map(|u| u.videos).sum::<i64>(),
        "usage": usage.iter().map(|u| u.usage()).sum::<i64>(),
        "usagePhotos": usage.iter().map(|u| u.usage_photos).sum::<i64>(),
        "usageVideos": usage.iter().map(|u| u.usage_videos).sum::<i64>(),
        "usageByUser": by_user,
    })))
}

/// Sizes as Immich shows them: binary units, one decimal ("12.3 GiB").
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn sizes_read_like_immichs() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(250 * 1024 * 1024 * 1024), "250.0 GiB");
    }
}
