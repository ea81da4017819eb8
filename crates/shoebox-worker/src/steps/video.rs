//! Video encoding: videos a browser cannot play (HEVC and others) get an H.264/AAC MP4 copy,
//! 720p, that `/api/assets/{id}/video/playback` serves. Playable videos are served as they are;
//! which is which the metadata step already found out, so the video is not probed again.

use std::sync::Arc;

use shoebox_db::assets::Asset;
use shoebox_media::MediaMetadata;
use shoebox_storage::{Key, WriteMode};

use super::{Done, StepError, blocking, local_copy};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    // The original is fetched (from S3, a download) only when a probe or a transcode needs it:
    // most videos are playable, and the metadata step's facts say so.
    let mut original = None;
    let streams = match shoebox_db::pipeline::media_facts(&pipeline.db, asset.id).await? {
        Some(facts) if facts.video_codec.is_some() => MediaMetadata {
            container: facts.container,
            video_codec: facts.video_codec,
            audio_codec: facts.audio_codec,
            ..MediaMetadata::default()
        },
        // Processed before the metadata step kept these facts: probe once more.
        _ => {
            let copy = Arc::new(local_copy(pipeline, &asset.original_path).await?);
            let (probed, mime) = (copy.clone(), asset.original_mime_type.clone());
            original = Some(copy);
            blocking(move || shoebox_media::discover(&probed, &mime)).await?
        }
    };
    if !shoebox_media::needs_transcode(&streams) {
        shoebox_db::pipeline::save_encoded_video(&pipeline.db, asset.id, None).await?;
        return Ok(Done::default());
    }
    let original = match original {
        Some(copy) => copy,
        None => Arc::new(local_copy(pipeline, &asset.original_path).await?),
    };
    // ffmpeg writes by name: into scratch space, then into storage.
    let encoded = pipeline.storage.scratch_file(".mp4")?;
    let output = encoded.to_path_buf();
    let settings = pipeline.transcode.clone();
    blocking(move || shoebox_media::transcode_to_mp4(&original, &output, &settings)).await?;
    let key = Key::encoded_video(asset.owner_id, asset.id);
    pipeline.storage.put_file(&key, encoded, WriteMode::Replace).await?;
    shoebox_db::pipeline::save_encoded_video(&pipeline.db, asset.id, Some(key.as_str())).await?;
    Ok(Done::default())
}
