//! The pipeline steps, one module per queue. Each is idempotent: running it twice for the same
//! asset gives the same result, since Redis delivers a job at least once.

mod duplicates;
mod face_crop;
mod faces;
mod metadata;
mod recognition;
mod smart_search;
mod thumbnails;
mod video;

use shoebox_core::domain::AssetFileKind;
use shoebox_core::jobs::Queue;
use shoebox_media::MediaError;
use uuid::Uuid;

use crate::Pipeline;

#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// May pass if tried again: the database or storage was briefly unavailable.
    #[error("{0:#}")]
    Transient(anyhow::Error),
    /// Will fail the same way every time: a corrupt, unsupported or missing file.
    #[error("{0}")]
    Permanent(String),
    /// Cannot run until a model is installed; the asset waits in Postgres, not in Redis.
    #[error("{0}")]
    WaitingForModel(String),
}

impl From<sqlx::Error> for StepError {
    fn from(err: sqlx::Error) -> Self {
        Self::Transient(err.into())
    }
}

impl From<MediaError> for StepError {
    fn from(err: MediaError) -> Self {
        Self::Permanent(err.to_string())
    }
}

impl From<std::io::Error> for StepError {
    fn from(err: std::io::Error) -> Self {
        Self::Transient(err.into())
    }
}

/// Runs `queue`'s step for an asset. An asset deleted meanwhile is simply skipped.
pub async fn run(pipeline: &Pipeline, queue: Queue, asset_id: Uuid) -> Result<(), StepError> {
    let Some(asset) = shoebox_db::pipeline::asset(&pipeline.db, asset_id).await? else {
        tracing::debug!(%asset_id, queue = queue.name(), "asset is gone; skipping");
        return Ok(());
    };
    match queue {
        Queue::Metadata => metadata::run(pipeline, &asset).await,
        Queue::Thumbnails => thumbnails::run(pipeline, &asset).await,
        Queue::VideoEncode => video::run(pipeline, &asset).await,
        Queue::SmartSearch => smart_search::run(pipeline, &asset).await,
        Queue::FaceDetection => faces::run(pipeline, &asset).await,
        Queue::FacialRecognition => recognition::run(pipeline, &asset).await,
        Queue::DuplicateDetection => duplicates::run(pipeline, &asset).await,
    }
}

/// The asset's preview (made by the thumbnail step), decoded: the image the ML steps look at.
async fn preview_image(pipeline: &Pipeline, asset: &shoebox_db::assets::Asset) -> Result<image::RgbImage, StepError> {
    let preview =
        shoebox_db::assets::file_path(&pipeline.db, asset.owner_id, true, asset.id, AssetFileKind::Preview).await?;
    let Some((key, _)) = preview else {
        return Err(StepError::Permanent("the asset has no preview yet (thumbnail step not done)".into()));
    };
    let path = original_path(pipeline, &key).await?;
    decode_rgb(path).await
}

/// Decodes an image file to RGB off the async threads; a file that does not decode fails the
/// job for good.
async fn decode_rgb(path: std::path::PathBuf) -> Result<image::RgbImage, StepError> {
    let decoded = tokio::task::spawn_blocking(move || image::open(&path).map(|image| image.into_rgb8()))
        .await
        .map_err(|join| StepError::Permanent(format!("the image decoder crashed: {join}")))?;
    decoded.map_err(|err| StepError::Permanent(format!("cannot decode the preview: {err}")))
}

/// Runs inference off the async threads; a model error fails the job for good.
async fn infer<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, shoebox_ml::MlError> + Send + 'static,
) -> Result<T, StepError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(|err| StepError::Permanent(err.to_string())),
        Err(join) => Err(StepError::Permanent(format!("inference crashed: {join}"))),
    }
}

/// The original's path on this machine; a missing original is a permanent failure.
async fn original_path(pipeline: &Pipeline, key: &str) -> Result<std::path::PathBuf, StepError> {
    match pipeline.storage.local_path(key).await {
        Ok(path) => Ok(path),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Err(StepError::Permanent(format!("the original file {key} is missing from storage")))
        }
        Err(err) => Err(err.into()),
    }
}

/// Runs CPU-bound media work off the async threads; a panic in a decoder fails the job only.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, MediaError> + Send + 'static,
) -> Result<T, StepError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => Ok(result?),
        Err(join) => Err(StepError::Permanent(format!("the media decoder crashed: {join}"))),
    }
}
