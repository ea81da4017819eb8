//! Thumbnails: the preview JPEG and thumbnail WebP (Immich's sizes) and the thumbhash, then a
//! live event for the owner's open pages, then smart search, face detection and (for videos) video
//! encoding.

use shoebox_core::domain::AssetType;
use shoebox_core::jobs::Queue;
use shoebox_core::live::WorkerNotice;
use shoebox_core::storage::derived_key;
use shoebox_db::assets::Asset;
use shoebox_db::pipeline::Thumbnails;

use super::{StepError, blocking, original_path};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<(), StepError> {
    let path = original_path(pipeline, &asset.original_path).await?;
    let settings = pipeline.thumbnails.clone();
    let limits = pipeline.limits.clone();
    let derivatives = match asset.kind() {
        AssetType::Video => blocking(move || shoebox_media::generate_video(&path, &settings, &limits)).await?,
        AssetType::Image => {
            let orientation = shoebox_db::pipeline::orientation(&pipeline.db, asset.id).await?;
            let mime = asset.original_mime_type.clone();
            blocking(move || shoebox_media::generate_image(&path, &mime, orientation, &settings, &limits)).await?
        }
    };
    let thumbnail_key = derived_key("thumbs", asset.owner_id, asset.id, "thumbnail.webp");
    let preview_key = derived_key("thumbs", asset.owner_id, asset.id, "preview.jpeg");
    pipeline.storage.put(&thumbnail_key, derivatives.thumbnail_webp).await?;
    pipeline.storage.put(&preview_key, derivatives.preview_jpeg).await?;
    let thumbs = Thumbnails {
        thumbnail_key,
        preview_key,
        thumbhash: derivatives.thumbhash,
        width: derivatives.width as i32,
        height: derivatives.height as i32,
    };
    shoebox_db::pipeline::save_thumbnails(&pipeline.db, asset.id, &thumbs).await?;

    let notice = WorkerNotice::ThumbnailsReady { owner_id: asset.owner_id, asset_id: asset.id };
    if let Err(err) = pipeline.queues.publish_notice(&notice).await {
        tracing::warn!(asset = %asset.id, error = %err, "could not publish the ready event");
    }
    // Both kinds have a preview for the ML steps to look at.
    pipeline.enqueue(Queue::SmartSearch, asset.id).await;
    pipeline.enqueue(Queue::FaceDetection, asset.id).await;
    if asset.kind() == AssetType::Video {
        pipeline.enqueue(Queue::VideoEncode, asset.id).await;
    }
    Ok(())
}
