//! Thumbnails: the preview JPEG and thumbnail WebP (Immich's sizes) and the thumbhash, turned
//! upright by the orientation the metadata step stored.

use shoebox_core::domain::AssetType;
use shoebox_core::storage::derived_key;
use shoebox_db::assets::Asset;
use shoebox_db::pipeline::Thumbnails;

use super::{Done, StepError, blocking, original_path};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let path = original_path(pipeline, &asset.original_path).await?;
    let settings = pipeline.thumbnails;
    let limits = pipeline.limits.clone();
    let derivatives = match asset.kind() {
        AssetType::Video => blocking(move || shoebox_media::generate_video(&path, &settings, &limits)).await?,
        AssetType::Image => {
            let facts = shoebox_db::pipeline::media_facts(&pipeline.db, asset.id).await?.unwrap_or_default();
            let orientation = facts.orientation.map(|o| o as u16);
            let mime = asset.original_mime_type.clone();
            blocking(move || shoebox_media::generate_image(&path, &mime, orientation, &settings, &limits)).await?
        }
    };
    let thumbnail_key = derived_key("thumbs", asset.owner_id, asset.id, "thumbnail.webp");
    let preview_key = derived_key("thumbs", asset.owner_id, asset.id, "preview.jpeg");
    pipeline.storage.put(&thumbnail_key, derivatives.thumbnail_webp).await?;
    pipeline.storage.put(&preview_key, derivatives.preview_jpeg).await?;
    let thumbs = Thumbnails { thumbnail_key, preview_key, thumbhash: derivatives.thumbhash };
    shoebox_db::pipeline::save_thumbnails(&pipeline.db, asset.id, &thumbs).await?;
    Ok(Done::default())
}
