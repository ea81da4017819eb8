//! Thumbnails: the preview JPEG and thumbnail WebP (Immich's sizes) and the thumbhash, turned
//! upright by the orientation the metadata step stored.

use shoebox_core::domain::AssetType;
use shoebox_db::assets::Asset;
use shoebox_db::pipeline::Thumbnails;
use shoebox_storage::{Key, WriteMode};

use super::{Done, StepError, blocking, local_copy};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let original = local_copy(pipeline, &asset.original_path).await?;
    let settings = pipeline.thumbnails;
    let limits = pipeline.limits.clone();
    let derivatives = match asset.kind() {
        AssetType::Video => blocking(move || shoebox_media::generate_video(&original, &settings, &limits)).await?,
        AssetType::Image => {
            let facts = shoebox_db::pipeline::media_facts(&pipeline.db, asset.id).await?.unwrap_or_default();
            let orientation = facts.orientation.map(|o| o as u16);
            let mime = asset.original_mime_type.clone();
            blocking(move || shoebox_media::generate_image(&original, &mime, orientation, &settings, &limits)).await?
        }
    };
    let thumbnail_key = Key::thumbnail(asset.owner_id, asset.id);
    let preview_key = Key::preview(asset.owner_id, asset.id);
    pipeline.storage.put(&thumbnail_key, derivatives.thumbnail_webp, WriteMode::Replace).await?;
    pipeline.storage.put(&preview_key, derivatives.preview_jpeg, WriteMode::Replace).await?;
    let thumbs = Thumbnails {
        thumbnail_key: thumbnail_key.into_string(),
        preview_key: preview_key.into_string(),
        thumbhash: derivatives.thumbhash,
    };
    shoebox_db::pipeline::save_thumbnails(&pipeline.db, asset.id, &thumbs).await?;
    // A restored library has its people but not their face crops; recognition, which makes
    // them, does not run again for assets it has done.
    let mut done = Done::default();
    if shoebox_db::faces::stands_for_person_without_crop(&pipeline.db, asset.id).await? {
        done.notices = super::face_crop::make_missing(pipeline, asset.owner_id).await?;
    }
    Ok(done)
}
