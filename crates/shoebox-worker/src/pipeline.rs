//! What every step needs: the database, storage, the queues, and the media settings.

use std::sync::Arc;
use std::time::Duration;

use shoebox_core::Config;
use shoebox_core::jobs::{AssetJob, Queue};
use shoebox_core::storage::{LocalStorage, Storage};
use shoebox_db::PgPool;
use shoebox_media::{Limits, ThumbnailSettings};
use shoebox_queue::JobQueues;
use uuid::Uuid;

use crate::models::Models;
use crate::steps::{self, StepError};

/// Attempts a step gets for failures that may pass (database or storage hiccups).
const ATTEMPTS: u32 = 3;

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
    /// that may pass, and records in Postgres why a step gave up. Never fails the job itself:
    /// the reason lives in the database, not in Redis.
    pub async fn execute(&self, queue: Queue, job: AssetJob) {
        while self.queues.is_paused(queue).await.unwrap_or(false) {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let mut attempt = 1;
        loop {
            let outcome = steps::run(self, queue, job.asset_id).await;
            match outcome {
                Ok(()) => return,
                Err(StepError::Transient(err)) if attempt < ATTEMPTS => {
                    tracing::warn!(queue = queue.name(), asset = %job.asset_id, attempt, error = %err, "retrying");
                    tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
                    attempt += 1;
                }
                Err(StepError::WaitingForModel(reason)) => {
                    tracing::info!(queue = queue.name(), asset = %job.asset_id, %reason, "parked");
                    if let Err(err) = shoebox_db::pipeline::record_waiting(&self.db, job.asset_id, queue, &reason).await
                    {
                        tracing::error!(asset = %job.asset_id, error = %err, "could not park a job waiting for its model");
                    }
                    return;
                }
                Err(err) => {
                    let reason = err.to_string();
                    tracing::warn!(queue = queue.name(), asset = %job.asset_id, %reason, "job failed");
                    self.record_failure(job.asset_id, queue, attempt, &reason).await;
                    return;
                }
            }
        }
    }

    async fn record_failure(&self, asset: Uuid, queue: Queue, attempts: u32, reason: &str) {
        let result = shoebox_db::pipeline::record_failure(&self.db, asset, queue, attempts as i32, reason).await;
        if let Err(err) = result {
            tracing::error!(%asset, queue = queue.name(), error = %err, "could not record a job failure");
        }
    }

    /// Queues the next step for an asset. A lost push is found again by `queue missing`.
    pub async fn enqueue(&self, queue: Queue, asset_id: Uuid) {
        if let Err(err) = self.queues.push_asset(queue, AssetJob { asset_id }).await {
            tracing::warn!(%asset_id, queue = queue.name(), error = %err, "could not queue the next step");
        }
    }

    /// Queues every asset due for `queue`: those missing the step, or all of them.
    pub async fn enqueue_due(&self, queue: Queue, all: bool) -> anyhow::Result<usize> {
        let ids = shoebox_db::pipeline::due(&self.db, queue, all).await?;
        self.queues.push_many(queue, &ids).await?;
        Ok(ids.len())
    }
}
