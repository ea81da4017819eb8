//! Video encoding: videos a browser cannot play (HEVC and others) get an H.264/AAC MP4 copy,
//! 720p, that `/api/assets/{id}/video/playback` serves. Playable videos are served as they are.

use shoebox_core::storage::derived_key;
use shoebox_db::assets::Asset;
use shoebox_media::TranscodeSettings;

use super::{StepError, blocking, original_path};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<(), StepError> {
    let path = original_path(pipeline, &asset.original_path).await?;
    let mime = asset.original_mime_type.clone();
    let probe_path = path.clone();
    let meta = blocking(move || shoebox_media::discover(&probe_path, &mime)).await?;
    if !shoebox_media::needs_transcode(&meta) {
        shoebox_db::pipeline::save_encoded_video(&pipeline.db, asset.id, None).await?;
        return Ok(());
    }
    let staged = pipeline.storage.staging_file(".mp4")?;
    let output = staged.to_path_buf();
    blocking(move || shoebox_media::transcode_to_mp4(&path, &output, &TranscodeSettings::default())).await?;
    let key = derived_key("encoded-video", asset.owner_id, asset.id, "playback.mp4");
    pipeline.storage.persist_staged(staged, &key).await?;
    shoebox_db::pipeline::save_encoded_video(&pipeline.db, asset.id, Some(&key)).await?;
    Ok(())
}
