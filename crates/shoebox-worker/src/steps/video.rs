//! Video encoding: videos a browser cannot play (HEVC and others) get an H.264/AAC MP4 copy,
//! 720p, that `/api/assets/{id}/video/playback` serves. Playable videos are served as they are;
//! which is which the metadata step already found out, so the video is not probed again.

use shoebox_core::storage::derived_key;
use shoebox_db::assets::Asset;
use shoebox_media::MediaMetadata;

use super::{Done, StepError, blocking, original_path};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let path = original_path(pipeline, &asset.original_path).await?;
    let streams = match shoebox_db::pipeline::media_facts(&pipeline.db, asset.id).await? {
        Some(facts) if facts.video_codec.is_some() => MediaMetadata {
            container: facts.container,
            video_codec: facts.video_codec,
            audio_codec: facts.audio_codec,
            ..MediaMetadata::default()
        },
        // Processed before the metadata step kept these facts: probe once more.
        _ => {
            let (probe_path, mime) = (path.clone(), asset.original_mime_type.clone());
            blocking(move || shoebox_media::discover(&probe_path, &mime)).await?
        }
    };
    if !shoebox_media::needs_transcode(&streams) {
        shoebox_db::pipeline::save_encoded_video(&pipeline.db, asset.id, None).await?;
        return Ok(Done::default());
    }
    let staged = pipeline.storage.staging_file(".mp4")?;
    let output = staged.to_path_buf();
    let settings = pipeline.transcode.clone();
    blocking(move || shoebox_media::transcode_to_mp4(&path, &output, &settings)).await?;
    let key = derived_key("encoded-video", asset.owner_id, asset.id, "playback.mp4");
    pipeline.storage.persist_staged(staged, &key).await?;
    shoebox_db::pipeline::save_encoded_video(&pipeline.db, asset.id, Some(&key)).await?;
    Ok(Done::default())
}
