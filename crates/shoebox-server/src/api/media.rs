//! `/api/assets/{id}/original` and `/api/assets/{id}/thumbnail`: the bytes of an asset.
//! These stream, so they sit outside the request timeout and response compression. A shared
//! link's key (`?key=`) opens the assets of its album.

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use shoebox_core::domain::{AssetFileKind, AssetType};
use shoebox_db::assets;
use uuid::Uuid;

use crate::auth::viewer::Viewer;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::serve::{self, StoredFile};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/assets/{id}/original", get(original))
        .route("/assets/{id}/thumbnail", get(thumbnail))
        .route("/assets/{id}/video/playback", get(playback))
}

async fn original(
    State(ctx): State<ApiContext>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    viewer.require_asset(&ctx, id).await?;
    viewer.require_download()?;
    let asset = assets::get(&ctx.db, viewer.user_id(), viewer.unlocked(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("Asset"))?;
    let file = StoredFile {
        key: &asset.original_path,
        content_type: &asset.original_mime_type,
        etag: hex::encode(&asset.checksum),
        download_name: Some(&asset.original_file_name),
        cache_control: "private, max-age=86400, no-transform",
    };
    serve::send(&ctx.storage, file, &headers).await
}

#[derive(Debug, Deserialize)]
struct ThumbnailQuery {
    size: Option<String>,
}

/// The worker's thumbnail (WebP, default) or preview (JPEG); 404 until the worker has made it.
async fn thumbnail(
    State(ctx): State<ApiContext>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
    Query(query): Query<ThumbnailQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    viewer.require_asset(&ctx, id).await?;
    let kind = match query.size.as_deref().unwrap_or("thumbnail") {
        "thumbnail" => AssetFileKind::Thumbnail,
        // Shoebox makes no separate full-size rendition: the preview stands in for it.
        "preview" | "fullsize" => AssetFileKind::Preview,
        "original" => return original(State(ctx), viewer, Path(id), headers).await,
        other => {
            return Err(ApiError::bad_request(format!("size must be thumbnail, preview or fullsize, not {other:?}")));
        }
    };
    let (key, written_at) = assets::file_path(&ctx.db, viewer.user_id(), viewer.unlocked(), id, kind)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("Asset {} not found or not generated yet", kind.as_str())))?;
    let content_type = shoebox_storage::Key::parse(key.as_str())?.content_type();
    let file = StoredFile {
        etag: format!("{id}-{}-{}", kind.as_str(), written_at.timestamp_millis()),
        key: &key,
        content_type,
        download_name: None,
        cache_control: "private, max-age=86400, no-transform",
    };
    serve::send(&ctx.storage, file, &headers).await
}

/// The video a browser can play: the worker's H.264 copy when the original needed one, else
/// the original itself. Streams with HTTP Range, so players can seek.
async fn playback(
    State(ctx): State<ApiContext>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    viewer.require_asset(&ctx, id).await?;
    let asset = assets::get(&ctx.db, viewer.user_id(), viewer.unlocked(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("Asset"))?;
    if asset.kind() != AssetType::Video {
        return Err(ApiError::bad_request("This asset is not a video"));
    }
    let encoded =
        assets::file_path(&ctx.db, viewer.user_id(), viewer.unlocked(), id, AssetFileKind::EncodedVideo).await?;
    let (key, content_type, etag) = match &encoded {
        Some((key, written_at)) => {
            (key.as_str(), "video/mp4", format!("{id}-playback-{}", written_at.timestamp_millis()))
        }
        None => (asset.original_path.as_str(), asset.original_mime_type.as_str(), hex::encode(&asset.checksum)),
    };
    let file = StoredFile {
        key,
        content_type,
        etag,
        download_name: None,
        cache_control: "private, max-age=86400, no-transform",
    };
    serve::send(&ctx.storage, file, &headers).await
}
