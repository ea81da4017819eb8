//! Runs one apalis worker per queue, each with its configured concurrency, until shutdown. Each
//! fetches as soon as its queue's wake channel says jobs arrived (see `shoebox_queue::wake`).
//! Worker names are unique per run, so a restarted worker is not refused while the old one's
//! heartbeat is still fresh; a dead worker's jobs go back to the queue after four missed
//! heartbeats.
//!
//! A worker that loses Redis (flushed, replaced by an empty one, unreachable) starts again
//! with a new registration, backing off while Redis stays away, and asks for a reconcile so the
//! jobs Redis lost are queued again from Postgres. A paused queue's worker fetches nothing, so
//! stopping never waits on held jobs. A watch queues again the jobs that waited for a model
//! once it appears, and another keeps the external libraries indexed (`library_watch`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use apalis::prelude::*;
use shoebox_core::Config;
use shoebox_core::jobs::{AssetJob, Queue};
use shoebox_queue::{JobQueues, Wakeups};
use tokio::sync::{Notify, watch};

use crate::library_watch::{self, WatchSettings};
use crate::{Pipeline, reconcile};

/// How often finished jobs' leftovers are removed from Redis.
const VACUUM_EVERY: Duration = Duration::from_secs(60);
/// How long stopping waits for jobs under way.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(30);
/// How often a worker looks whether its queue was paused or resumed when it heard nothing (the
/// wake channel tells it at once; this covers a lost notice). The look wakes the worker too, so
/// it is kept far from the path of a new job.
const PAUSE_FALLBACK: Duration = Duration::from_secs(10);
/// Longest wait between attempts to reach a Redis that is away.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

fn worker_name(queue: Queue) -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_default();
    format!("{}-{host}-{}-{}", queue.name(), std::process::id(), uuid::Uuid::new_v4().simple())
}

/// Drains every queue until `shutdown` resolves, then lets jobs under way finish.
pub async fn run(
    pipeline: Pipeline,
    config: &Config,
    shutdown: impl std::future::Future<Output = std::io::Result<()>> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let wakeups = Arc::new(pipeline.queues.wakeups()?);
    let lost_redis = Arc::new(Notify::new());
    let background = [
        tokio::spawn(vacuum_forever(pipeline.clone())),
        tokio::spawn(watch_models_forever(pipeline.clone(), config.ml.model_poll)),
        tokio::spawn(reconcile::reconcile_forever(pipeline.clone(), config.reconcile_interval, lost_redis.clone())),
        tokio::spawn(crate::maintenance::run_forever(pipeline.clone(), config.clone())),
        tokio::spawn(library_watch::watch_forever(pipeline.clone(), WatchSettings::from_config(config))),
    ];
    let mut drains = tokio::task::JoinSet::new();
    for &queue in Queue::ALL {
        let drain = Drain {
            pipeline: pipeline.clone(),
            queue,
            concurrency: config.concurrency(queue),
            heartbeat: config.worker_heartbeat,
            stopping: stopping.clone(),
            lost_redis: lost_redis.clone(),
            wakeups: wakeups.clone(),
        };
        drains.spawn(drain.run());
    }
    let signal = shutdown.await;
    let _ = stop.send(true);
    let finished = tokio::time::timeout(SHUTDOWN_LIMIT, async { while drains.join_next().await.is_some() {} }).await;
    if finished.is_err() {
        tracing::warn!(limit = ?SHUTDOWN_LIMIT, "jobs still running at the shutdown limit; their jobs go to other workers");
    }
    for task in background {
        task.abort();
    }
    signal.map_err(|err| anyhow::anyhow!("cannot wait for the shutdown signal: {err}"))
}

/// One queue's apalis worker, started again whenever it loses Redis.
struct Drain {
    pipeline: Pipeline,
    queue: Queue,
    concurrency: usize,
    heartbeat: Duration,
    stopping: watch::Receiver<bool>,
    lost_redis: Arc<Notify>,
    wakeups: Arc<Wakeups>,
}

impl Drain {
    async fn run(mut self) {
        let mut backoff = Duration::from_secs(1);
        loop {
            if *self.stopping.borrow() {
                return;
            }
            let started = Instant::now();
            let queue = self.queue;
            let worker = WorkerBuilder::new(worker_name(queue))
                .backend(self.pipeline.queues.consumer::<AssetJob>(
                    queue,
                    self.heartbeat,
                    self.wakeups.subscribe(queue),
                ))
                .concurrency(self.concurrency)
                .parallelize(tokio::spawn)
                .data(self.pipeline.clone())
                .build(move |job: AssetJob, pipeline: Data<Pipeline>, worker: WorkerContext| async move {
                    pipeline.execute(queue, job, || worker.is_shutting_down()).await?;
                    Ok::<(), BoxDynError>(())
                });
            let queues = self.pipeline.queues.clone();
            let stopping = self.stopping.clone();
            let wakeups = self.wakeups.clone();
            let outcome = worker
                .run_with_ctx(move |ctx| {
                    control(ctx, queues.clone(), queue, stopping.clone(), wakeups.subscribe(queue))
                })
                .await;
            let Err(err) = outcome else { return };
            if *self.stopping.borrow() {
                return;
            }
            if started.elapsed() > MAX_BACKOFF * 2 {
                backoff = Duration::from_secs(1);
            }
            tracing::warn!(
                queue = queue.name(),
                error = %err,
                retry_in = ?backoff,
                "lost Redis (flushed, replaced or unreachable); the worker registers again"
            );
            self.lost_redis.notify_one();
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = stopped(&mut self.stopping) => return,
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}

/// Runs beside an apalis worker: holds it (fetching nothing, still beating) while its queue is
/// paused, and stops it when the process stops. It looks at the pause flag when the queue's wake
/// channel says something changed.
async fn control(
    ctx: WorkerContext,
    queues: JobQueues,
    queue: Queue,
    mut stopping: watch::Receiver<bool>,
    mut notices: tokio::sync::mpsc::Receiver<()>,
) -> Result<(), WorkerError> {
    let mut fallback = tokio::time::interval(PAUSE_FALLBACK);
    loop {
        tokio::select! {
            _ = stopped(&mut stopping) => break,
            Some(()) = notices.recv() => {}
            _ = fallback.tick() => {}
        }
        match queues.is_paused(queue).await {
            Ok(true) if ctx.is_running() => {
                let _ = ctx.pause();
            }
            Ok(false) if ctx.is_paused() => {
                let _ = ctx.resume();
            }
            _ => {}
        }
    }
    // A worker not started yet cannot stop; it starts at once.
    while ctx.stop().is_err() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Resolves once the process stops.
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

async fn vacuum_forever(pipeline: Pipeline) {
    let mut every = tokio::time::interval(VACUUM_EVERY);
    loop {
        every.tick().await;
        for &queue in Queue::ALL {
            if let Err(err) = pipeline.queues.vacuum(queue).await {
                tracing::debug!(queue = queue.name(), error = %err, "vacuum failed");
            }
        }
    }
}

/// Queues again the assets parked while their step's model was missing, once it is installed.
async fn watch_models_forever(pipeline: Pipeline, every: Duration) {
    let mut every = tokio::time::interval(every.max(Duration::from_millis(100)));
    loop {
        every.tick().await;
        for queue in [Queue::SmartSearch, Queue::FaceDetection, Queue::Ocr] {
            if !pipeline.models.installed_for(queue) {
                continue;
            }
            match shoebox_db::pipeline::take_waiting(&pipeline.db, queue).await {
                Ok(ids) if ids.is_empty() => {}
                Ok(ids) => {
                    tracing::info!(
                        queue = queue.name(),
                        count = ids.len(),
                        "model installed: running the jobs that waited"
                    );
                    if let Err(err) = pipeline.queues.push_many(queue, &ids).await {
                        tracing::warn!(queue = queue.name(), error = %err, "could not queue jobs that waited for a model");
                    }
                }
                Err(err) => tracing::debug!(queue = queue.name(), error = %err, "model watch failed"),
            }
        }
    }
}
