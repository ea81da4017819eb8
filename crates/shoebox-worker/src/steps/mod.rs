//! The pipeline steps, one module per queue. Each is idempotent: running it twice for the same
//! asset gives the same result, since Redis delivers a job at least once.

mod duplicates;
mod face_crop;
mod faces;
mod metadata;
mod ocr;
mod recognition;
mod smart_search;
mod thumbnails;
mod video;

use shoebox_core::domain::{AssetFileKind, AssetType};
use shoebox_core::jobs::Queue;
use shoebox_core::live::WorkerNotice;
use shoebox_media::MediaError;
use shoebox_storage::{Key, LocalCopy};
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
        Queue::Ocr => ocr::run(pipeline, &asset).await,
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
    decode_rgb(stored_bytes(pipeline, &key).await?).await
}

/// A small stored file (a preview) read into memory.
async fn stored_bytes(pipeline: &Pipeline, key: &str) -> Result<Vec<u8>, StepError> {
    use tokio::io::AsyncReadExt;
    let key = stored_key(key)?;
    let mut bytes = Vec::new();
    let read = async { pipeline.storage.read(&key, None).await?.body.read_to_end(&mut bytes).await };
    read.await.map_err(|err| missing_or_transient(err, &key))?;
    Ok(bytes)
}

/// Decodes an image to RGB off the async threads; bytes that do not decode fail the job for good.
async fn decode_rgb(bytes: Vec<u8>) -> Result<image::RgbImage, StepError> {
    let decoded = tokio::task::spawn_blocking(move || image::load_from_memory(&bytes).map(|image| image.into_rgb8()))
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

/// A file on this machine with the original's bytes (downloaded to scratch space from an object
/// store), for as long as the step holds it. A missing original is a permanent failure; storage
/// that cannot be reached (a disk not mounted, a store down) may pass.
async fn local_copy(pipeline: &Pipeline, key: &str) -> Result<LocalCopy, StepError> {
    let key = stored_key(key)?;
    pipeline.storage.local_copy(&key).await.map_err(|err| missing_or_transient(err, &key))
}

fn stored_key(key: &str) -> Result<Key, StepError> {
    Key::parse(key).map_err(|err| StepError::Permanent(format!("the database names a file badly: {err}")))
}

fn missing_or_transient(err: std::io::Error, key: &Key) -> StepError {
    if err.kind() == std::io::ErrorKind::NotFound {
        StepError::Permanent(format!("the file {key} is missing from storage"))
    } else {
        StepError::Transient(anyhow::Error::new(err).context(format!("reading {key} from storage")))
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
