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

use shoebox_core::domain::{AssetFileKind, AssetType};
use shoebox_core::jobs::Queue;
use shoebox_core::live::WorkerNotice;
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
    /// A file that cannot be read right now (storage unmounted, an I/O error) may be readable
    /// later; one whose content is bad never will be.
    fn from(err: MediaError) -> Self {
        match err {
            MediaError::Io(io) if !is_bad_content(&io) => {
                Self::Transient(anyhow::Error::new(io).context("reading the file"))
            }
            other => Self::Permanent(other.to_string()),
        }
    }
}

/// Whether an I/O error reading a file says the file itself is bad (truncated, invalid), rather
/// than that storage failed.
fn is_bad_content(err: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        err.kind(),
        ErrorKind::UnexpectedEof | ErrorKind::InvalidData | ErrorKind::InvalidInput | ErrorKind::Unsupported
    )
}

impl From<std::io::Error> for StepError {
    fn from(err: std::io::Error) -> Self {
        Self::Transient(err.into())
    }
}

/// What a step asks for beyond the job graph's follow-ups, which the pipeline queues itself.
#[derive(Debug, Default)]
pub struct Done {
    /// Other assets whose same step should run again (recognition: faces that may now join a
    /// person who did not exist before).
    pub again: Vec<Uuid>,
    /// Live events beyond the step's own (recognition: people whose face crop changed).
    pub notices: Vec<WorkerNotice>,
}

/// A step done for an asset: what the pipeline needs to decide what follows.
#[derive(Debug)]
pub struct Finished {
    pub owner_id: Uuid,
    pub kind: AssetType,
    pub done: Done,
}

/// Runs `queue`'s step for an asset. An asset deleted meanwhile is skipped (`None`).
pub async fn run(pipeline: &Pipeline, queue: Queue, asset_id: Uuid) -> Result<Option<Finished>, StepError> {
    let Some(asset) = shoebox_db::pipeline::asset(&pipeline.db, asset_id).await? else {
        tracing::debug!(%asset_id, queue = queue.name(), "asset is gone; skipping");
        return Ok(None);
    };
    let done = match queue {
        Queue::Metadata => metadata::run(pipeline, &asset).await,
        Queue::Thumbnails => thumbnails::run(pipeline, &asset).await,
        Queue::VideoEncode => video::run(pipeline, &asset).await,
        Queue::SmartSearch => smart_search::run(pipeline, &asset).await,
        Queue::FaceDetection => faces::run(pipeline, &asset).await,
        Queue::FacialRecognition => recognition::run(pipeline, &asset).await,
        Queue::DuplicateDetection => duplicates::run(pipeline, &asset).await,
    }?;
    Ok(Some(Finished { owner_id: asset.owner_id, kind: asset.kind(), done }))
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
/// job for good, one that cannot be read right now is tried again.
async fn decode_rgb(path: std::path::PathBuf) -> Result<image::RgbImage, StepError> {
    let decoded = tokio::task::spawn_blocking(move || image::open(&path).map(|image| image.into_rgb8()))
        .await
        .map_err(|join| StepError::Permanent(format!("the image decoder crashed: {join}")))?;
    decoded.map_err(|err| match err {
        image::ImageError::IoError(io) if !is_bad_content(&io) => {
            StepError::Transient(anyhow::Error::new(io).context("reading the preview"))
        }
        err => StepError::Permanent(format!("cannot decode the preview: {err}")),
    })
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

/// The original's path on this machine. A missing original is a permanent failure, unless the
/// whole data folder is gone (storage not mounted): that may pass.
async fn original_path(pipeline: &Pipeline, key: &str) -> Result<std::path::PathBuf, StepError> {
    match pipeline.storage.local_path(key).await {
        Ok(path) => Ok(path),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && pipeline.storage.staging_dir().is_dir() => {
            Err(StepError::Permanent(format!("the original file {key} is missing from storage")))
        }
        Err(err) => Err(StepError::Transient(anyhow::Error::new(err).context(format!("reading {key} from storage")))),
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
