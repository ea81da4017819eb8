//! Runs one apalis worker per queue, each with its configured concurrency, until shutdown.
//! Worker names are unique per process, so a restarted worker is not refused while the old
//! one's heartbeat is still fresh; a dead worker's jobs go back to the queue after four
//! missed heartbeats. A watch queues again the jobs that waited for a model once it appears.

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
    let monitor = drain!(monitor, Queue::SmartSearch, config.ml.concurrency_smart_search);
    let monitor = drain!(monitor, Queue::FaceDetection, config.ml.concurrency_face_detection);
    let monitor = drain!(monitor, Queue::FacialRecognition, config.ml.concurrency_facial_recognition);
    let monitor = drain!(monitor, Queue::DuplicateDetection, config.ml.concurrency_duplicates);
    let watch = tokio::spawn(watch_models_forever(pipeline.clone(), config.ml.model_poll));
    let result = monitor.shutdown_timeout(Duration::from_secs(30)).run_with_signal(shutdown).await;
    vacuum.abort();
    watch.abort();
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

/// Queues again the assets parked while their step's model was missing, once it is installed.
async fn watch_models_forever(pipeline: Pipeline, every: Duration) {
    let mut every = tokio::time::interval(every.max(Duration::from_millis(100)));
    loop {
        every.tick().await;
        for queue in [Queue::SmartSearch, Queue::FaceDetection] {
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
