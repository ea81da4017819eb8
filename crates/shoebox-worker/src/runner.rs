//! Runs one apalis worker per queue, each with its configured concurrency, until shutdown.
//! Worker names are unique per process, so a restarted worker is not refused while the old
//! one's heartbeat is still fresh; a dead worker's jobs go back to the queue after four
//! missed heartbeats.

use std::time::Duration;

use apalis::prelude::*;
use shoebox_core::Config;
use shoebox_core::jobs::{AssetJob, Queue};

use crate::Pipeline;

/// How often finished jobs' leftovers are removed from Redis.
const VACUUM_EVERY: Duration = Duration::from_secs(60);

async fn metadata(job: AssetJob, pipeline: Data<Pipeline>) -> Result<(), BoxDynError> {
    pipeline.execute(Queue::Metadata, job).await;
    Ok(())
}

async fn thumbnails(job: AssetJob, pipeline: Data<Pipeline>) -> Result<(), BoxDynError> {
    pipeline.execute(Queue::Thumbnails, job).await;
    Ok(())
}

async fn video(job: AssetJob, pipeline: Data<Pipeline>) -> Result<(), BoxDynError> {
    pipeline.execute(Queue::VideoEncode, job).await;
    Ok(())
}

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
    let heartbeat = config.worker_heartbeat;
    let vacuum = tokio::spawn(vacuum_forever(pipeline.clone()));

    let p = pipeline.clone();
    let concurrency = config.concurrency_metadata.max(1);
    let monitor = Monitor::new().register(move |_| {
        WorkerBuilder::new(worker_name(Queue::Metadata))
            .backend(p.queues.consumer::<AssetJob>(Queue::Metadata, heartbeat))
            .concurrency(concurrency)
            .parallelize(tokio::spawn)
            .data(p.clone())
            .build(metadata)
    });
    let p = pipeline.clone();
    let concurrency = config.concurrency_thumbnails.max(1);
    let monitor = monitor.register(move |_| {
        WorkerBuilder::new(worker_name(Queue::Thumbnails))
            .backend(p.queues.consumer::<AssetJob>(Queue::Thumbnails, heartbeat))
            .concurrency(concurrency)
            .parallelize(tokio::spawn)
            .data(p.clone())
            .build(thumbnails)
    });
    let p = pipeline.clone();
    let concurrency = config.concurrency_video.max(1);
    let monitor = monitor.register(move |_| {
        WorkerBuilder::new(worker_name(Queue::VideoEncode))
            .backend(p.queues.consumer::<AssetJob>(Queue::VideoEncode, heartbeat))
            .concurrency(concurrency)
            .parallelize(tokio::spawn)
            .data(p.clone())
            .build(video)
    });
    let result = monitor.shutdown_timeout(Duration::from_secs(30)).run_with_signal(shutdown).await;
    vacuum.abort();
    result.map_err(|err| anyhow::anyhow!("worker stopped with an error: {err}"))
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
