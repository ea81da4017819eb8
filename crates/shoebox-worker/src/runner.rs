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

    // One apalis worker per queue; the handler only hands the job to the pipeline.
    macro_rules! drain {
        ($monitor:expr, $queue:expr, $concurrency:expr) => {{
            let pipeline = pipeline.clone();
            let concurrency = $concurrency.max(1);
            $monitor.register(move |_| {
                WorkerBuilder::new(worker_name($queue))
                    .backend(pipeline.queues.consumer::<AssetJob>($queue, heartbeat))
                    .concurrency(concurrency)
                    .parallelize(tokio::spawn)
                    .data(pipeline.clone())
                    .build(|job: AssetJob, pipeline: Data<Pipeline>| async move {
                        pipeline.execute($queue, job).await;
                        Ok::<(), BoxDynError>(())
                    })
            })
        }};
    }
    let monitor = drain!(Monitor::new(), Queue::Metadata, config.concurrency_metadata);
    let monitor = drain!(monitor, Queue::Thumbnails, config.concurrency_thumbnails);
    let monitor = drain!(monitor, Queue::VideoEncode, config.concurrency_video);
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
