//! What every step needs: the database, storage, the queues, and the media settings.

use std::sync::Arc;
use std::time::Duration;

use shoebox_core::Config;
use shoebox_core::jobs::{AssetJob, Queue};
use shoebox_core::storage::{LocalStorage, Storage};
use shoebox_db::PgPool;
use shoebox_db::pipeline::Due;
use shoebox_media::{Limits, ThumbnailSettings};
use shoebox_queue::JobQueues;
use uuid::Uuid;

use crate::models::Models;
use crate::steps::{self, StepError};

/// Attempts a step gets for failures that may pass (database or storage hiccups).
const ATTEMPTS: u32 = 3;

/// A job handed back to its queue unrun (the worker stops while the queue is paused).
#[derive(Debug, thiserror::Error)]
#[error("handed back to the queue: the worker is stopping while the queue is paused")]
pub struct GiveBack;

#[derive(Clone)]
pub struct Pipeline {
    pub db: PgPool,
    pub storage: Arc<dyn Storage>,
    pub queues: JobQueues,
    pub thumbnails: ThumbnailSettings,
    pub limits: Limits,
    /// Machine-learning models, loaded on first use.
    pub models: Arc<Models>,
}

impl Pipeline {
    pub async fn connect(config: &Config) -> anyhow::Result<Self> {
        use anyhow::Context;
        let db = shoebox_db::connect(&config.database_url, 10)
            .await
            .context("cannot connect to PostgreSQL (check SHOEBOX_DATABASE_URL)")?;
        // The worker may start before any server on a fresh database; migrating is idempotent
        // and takes a lock, so whoever comes first brings the schema and the other waits.
        shoebox_db::migrate(&db).await.context("cannot migrate the database")?;
        let queues = JobQueues::connect(&config.redis_url, &config.redis_namespace)
            .await
            .context("cannot connect to Redis (check SHOEBOX_REDIS_URL)")?;
        let storage = LocalStorage::open(&config.data_dir)
            .with_context(|| format!("cannot use {} as the data folder", config.data_dir.display()))?;
        Ok(Self {
            db,
            storage: Arc::new(storage),
            queues,
            thumbnails: ThumbnailSettings::default(),
            limits: Limits::new(config.max_image_pixels, config.decode_memory_bytes),
            models: Arc::new(Models::new(config.ml.clone())),
        })
    }

    /// Runs one queue's step for one asset: waits while the queue is paused, retries failures
    /// that may pass, and records in Postgres why a step gave up. The reason lives in the
    /// database, not in Redis; the job fails in Redis only to go back to the queue, when the
    /// worker stops (`stopping`) while the queue is paused.
    pub async fn execute(&self, queue: Queue, job: AssetJob, stopping: impl Fn() -> bool) -> Result<(), GiveBack> {
        while self.queues.is_paused(queue).await.unwrap_or(false) {
            if stopping() {
                return Err(GiveBack);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let mut attempt = 1;
        loop {
            let outcome = steps::run(self, queue, job.asset_id).await;
            match outcome {
                Ok(()) => return Ok(()),
                Err(StepError::Transient(err)) if attempt < ATTEMPTS => {
                    tracing::warn!(queue = queue.name(), asset = %job.asset_id, attempt, error = %format!("{err:#}"), "retrying");
                    tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
                    attempt += 1;
                }
                Err(StepError::WaitingForModel(reason)) => {
                    tracing::info!(queue = queue.name(), asset = %job.asset_id, %reason, "parked");
                    if let Err(err) = shoebox_db::pipeline::record_waiting(&self.db, job.asset_id, queue, &reason).await
                    {
                        tracing::error!(asset = %job.asset_id, error = %err, "could not park a job waiting for its model");
                    }
                    return Ok(());
                }
                Err(err) => {
                    // A failure that may pass is tried again by the reconcile, which also finds
                    // the asset when not even the failure could be recorded (database down).
                    let transient = matches!(err, StepError::Transient(_));
                    let reason = err.to_string();
                    tracing::warn!(queue = queue.name(), asset = %job.asset_id, %reason, transient, "job failed");
                    self.record_failure(job.asset_id, queue, attempt, &reason, transient).await;
                    return Ok(());
                }
            }
        }
    }

    async fn record_failure(&self, asset: Uuid, queue: Queue, attempts: u32, reason: &str, transient: bool) {
        let result =
            shoebox_db::pipeline::record_failure(&self.db, asset, queue, attempts as i32, reason, transient).await;
        if let Err(err) = result {
            tracing::error!(%asset, queue = queue.name(), error = %err, "could not record a job failure");
        }
    }

    /// Queues the next step for an asset. A lost push is found again by the reconcile.
    pub async fn enqueue(&self, queue: Queue, asset_id: Uuid) {
        if let Err(err) = self.queues.push_asset(queue, AssetJob { asset_id }).await {
            tracing::warn!(%asset_id, queue = queue.name(), error = %err, "could not queue the next step");
        }
    }

    /// Queues every asset `which` selects for `queue`.
    pub async fn enqueue_due(&self, queue: Queue, which: Due) -> anyhow::Result<usize> {
        let ids = shoebox_db::pipeline::due(&self.db, queue, which).await?;
        self.queues.push_many(queue, &ids).await?;
        Ok(ids.len())
    }
}
