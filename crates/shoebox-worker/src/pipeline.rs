//! What every step needs (the database, storage, the queues, the media settings, the CPU budget),
//! and how a job runs: wait while paused, take its share of the CPU budget, retry what may pass,
//! record why a step gave up, and on success do what follows it ([`Pipeline::on_done`], the one
//! place follow-up jobs and live events are decided, from the job graph in `shoebox_core::jobs`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use shoebox_core::Config;
use shoebox_core::jobs::{AssetJob, Queue};
use shoebox_db::PgPool;
use shoebox_media::{Limits, ThumbnailSettings, TranscodeSettings};
use shoebox_queue::JobQueues;
use shoebox_storage::Storage;
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::models::Models;
use crate::steps::{self, Finished, StepError};

/// Attempts a step gets for failures that may pass (database or storage hiccups).
const ATTEMPTS: u32 = 3;

/// A job handed back to its queue unrun (the worker stops while the queue is paused).
#[derive(Debug, thiserror::Error)]
#[error("handed back to the queue: the worker is stopping while the queue is paused")]
pub struct GiveBack;

#[derive(Clone)]
pub struct Pipeline {
    pub db: PgPool,
    /// Originals are read and derived files written through storage only: a worker needs no
    /// disk shared with the server.
    pub storage: Storage,
    pub queues: JobQueues,
    pub thumbnails: ThumbnailSettings,
    pub limits: Limits,
    /// Machine-learning models, loaded on first use.
    pub models: Arc<Models>,
    /// Shares of the worker's cores; CPU-heavy steps hold one (a transcode more) while they run.
    pub cpu: Arc<Semaphore>,
    pub cpu_budget: usize,
    pub transcode: TranscodeSettings,
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
        let storage_config = config.storage();
        let storage = shoebox_storage::open(&storage_config)
            .with_context(|| format!("cannot open storage {} (SHOEBOX_STORAGE)", storage_config.originals))?;
        Ok(Self {
            db,
            storage,
            queues,
            thumbnails: ThumbnailSettings::default(),
            limits: Limits::new(config.max_image_pixels, config.decode_memory_bytes),
            models: Arc::new(Models::new(config.ml.clone())),
            cpu: Arc::new(Semaphore::new(config.cpu_budget)),
            cpu_budget: config.cpu_budget,
            // A transcode keeps one share of the budget free for photos arriving meanwhile.
            transcode: TranscodeSettings {
                threads: config.cpu_budget.saturating_sub(1).max(1),
                ..TranscodeSettings::default()
            },
        })
    }

    /// How many shares of the CPU budget a step of `queue` holds while it runs.
    fn cpu_shares(&self, queue: Queue) -> u32 {
        match queue {
            Queue::VideoEncode => self.transcode.threads.min(self.cpu_budget) as u32,
            queue if queue.is_cpu_bound() => 1,
            _ => 0,
        }
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
        let started = Instant::now();
        let outcome = self.run_step(queue, job.asset_id).await;
        metrics::counter!("shoebox_jobs_total", "queue" => queue.name(), "outcome" => outcome).increment(1);
        metrics::histogram!("shoebox_job_duration_seconds", "queue" => queue.name(), "outcome" => outcome)
            .record(started.elapsed().as_secs_f64());
        Ok(())
    }

    /// Runs the step with its retries and records how it ended; returns the outcome's name for
    /// the metrics: `done`, `skipped` (asset gone), `waiting` (for its model) or `failed`.
    async fn run_step(&self, queue: Queue, asset_id: Uuid) -> &'static str {
        let mut attempt = 1;
        loop {
            let outcome = {
                // Closed never: the semaphore lives as long as the pipeline.
                let _share = match self.cpu_shares(queue) {
                    0 => None,
                    shares => self.cpu.acquire_many(shares).await.ok(),
                };
                steps::run(self, queue, asset_id).await
            };
            match outcome {
                Ok(Some(finished)) => {
                    self.on_done(queue, asset_id, finished).await;
                    return "done";
                }
                Ok(None) => return "skipped",
                Err(StepError::Transient(err)) if attempt < ATTEMPTS => {
                    tracing::warn!(queue = queue.name(), asset = %asset_id, attempt, error = %format!("{err:#}"), "retrying");
                    tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
                    attempt += 1;
                }
                Err(StepError::WaitingForModel(reason)) => {
                    tracing::info!(queue = queue.name(), asset = %asset_id, %reason, "parked");
                    if let Err(err) = shoebox_db::pipeline::record_waiting(&self.db, asset_id, queue, &reason).await {
                        tracing::error!(asset = %asset_id, error = %err, "could not park a job waiting for its model");
                    }
                    return "waiting";
                }
                Err(err) => {
                    // A failure that may pass is tried again by the reconcile, which also finds
                    // the asset when not even the failure could be recorded (database down).
                    let transient = matches!(err, StepError::Transient(_));
                    let reason = err.to_string();
                    tracing::warn!(queue = queue.name(), asset = %asset_id, %reason, transient, "job failed");
                    self.record_failure(asset_id, queue, attempt, &reason, transient).await;
                    return "failed";
                }
            }
        }
    }

    /// What follows a step done for an asset (Immich's `JobService.onDone`): the owner's live
    /// clients hear of it, then the next steps of the job graph are queued, plus whatever else
    /// the step asked for. A lost push is found again by the reconcile.
    async fn on_done(&self, queue: Queue, asset_id: Uuid, finished: Finished) {
        let notices = queue.done_notice(finished.owner_id, asset_id).into_iter().chain(finished.done.notices);
        for notice in notices {
            if let Err(err) = self.queues.publish_notice(&notice).await {
                tracing::warn!(asset = %asset_id, error = %err, "could not publish a live event");
            }
        }
        let successors = queue.successors(finished.kind);
        let due = match shoebox_db::pipeline::not_done(&self.db, asset_id, successors).await {
            Ok(due) => due,
            Err(err) => {
                tracing::warn!(%asset_id, error = %err, "could not read which steps are done; queueing them all");
                successors.to_vec()
            }
        };
        for next in due {
            if let Err(err) = self.queues.push_asset(next, AssetJob { asset_id }).await {
                tracing::warn!(%asset_id, queue = next.name(), error = %err, "could not queue the next step");
            }
        }
        if let Err(err) = self.queues.push_many(queue, &finished.done.again).await {
            tracing::warn!(queue = queue.name(), error = %err, "could not queue the step again for other assets");
        }
    }

    async fn record_failure(&self, asset: Uuid, queue: Queue, attempts: u32, reason: &str, transient: bool) {
        let result =
            shoebox_db::pipeline::record_failure(&self.db, asset, queue, attempts as i32, reason, transient).await;
        if let Err(err) = result {
            tracing::error!(%asset, queue = queue.name(), error = %err, "could not record a job failure");
        }
    }
}
