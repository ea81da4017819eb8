//! The pipeline steps, one module per queue. Each is idempotent: running it twice for the same
//! asset gives the same result, since Redis delivers a job at least once.

mod metadata;
mod thumbnails;
mod video;

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
