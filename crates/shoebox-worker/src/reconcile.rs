//! The reconcile: queues, from Postgres alone, every asset whose step is due but has no job in
//! Redis — jobs lost with Redis (FLUSHALL, a Redis replaced by an empty one), uploads accepted
//! while Redis was down, steps given up on a failure that may pass. It is `queue missing`
//! without the operator, minus the assets that failed for good or wait for a model.
//!
//! It runs at worker start, after the worker lost Redis, and every `SHOEBOX_RECONCILE_SECS`.
//! However many workers an installation has, one reconciles at a time (a Redis lock), periodic
//! runs happen once per interval for the whole installation, and assets that already have a job
//! are skipped, so the queues are not flooded with duplicates.

use std::sync::Arc;
use std::time::Duration;

use shoebox_core::jobs::Queue;
use shoebox_db::pipeline::Due;
use tokio::sync::Notify;

use crate::Pipeline;

/// Held while one worker reconciles; expires by itself if that worker dies.
const LOCK: &str = "reconcile";
const LOCK_TTL: Duration = Duration::from_secs(120);
/// Taken by the worker whose turn the periodic reconcile is, for one interval.
const PERIOD: &str = "reconcile-period";
/// How soon a reconcile that could not run (Redis or Postgres down) is tried again.
const RETRY: Duration = Duration::from_secs(5);

/// Queues every lost job, unless another worker is reconciling right now (`Ok(None)`).
/// Returns how many jobs were queued.
pub async fn reconcile(pipeline: &Pipeline) -> anyhow::Result<Option<usize>> {
    let Some(token) = pipeline.queues.try_lock(LOCK, LOCK_TTL).await? else {
        return Ok(None);
    };
    let outcome = async {
        let mut total = 0;
        for &queue in Queue::ALL {
            let due = shoebox_db::pipeline::due(&pipeline.db, queue, Due::Lost).await?;
            let queued = pipeline.queues.push_unless_queued(queue, &due).await?;
            if queued > 0 {
                tracing::info!(queue = queue.name(), queued, "reconcile: queued jobs that Redis did not have");
            }
            total += queued;
        }
        anyhow::Ok(total)
    }
    .await;
    if let Err(err) = pipeline.queues.unlock(LOCK, &token).await {
        tracing::debug!(error = %err, "could not release the reconcile lock; it expires by itself");
    }
    outcome.map(Some)
}

/// Reconciles at start, whenever `lost_redis` is notified, and every `every` (once per interval
/// for the whole installation). A reconcile that fails is tried again every few seconds until
/// it succeeds, so jobs lost while Redis was down are queued as soon as it is back.
pub async fn reconcile_forever(pipeline: Pipeline, every: Option<Duration>, lost_redis: Arc<Notify>) {
    let mut pending = true;
    loop {
        let turn = if pending { true } else { periodic_turn(&pipeline, every).await };
        if turn {
            match reconcile(&pipeline).await {
                Ok(_) => {
                    pending = false;
                    // A forced run counts as this interval's periodic one.
                    if let Some(every) = every {
                        let _ = pipeline.queues.try_lock(PERIOD, every).await;
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %format!("{err:#}"), "reconcile failed; trying again soon");
                    pending = true;
                }
            }
        }
        let wait = if pending { RETRY } else { every.unwrap_or(Duration::MAX) };
        tokio::select! {
            _ = tokio::time::sleep(wait.min(Duration::from_secs(86_400))) => {}
            _ = lost_redis.notified() => pending = true,
        }
    }
}

/// Whether this worker runs this interval's periodic reconcile.
async fn periodic_turn(pipeline: &Pipeline, every: Option<Duration>) -> bool {
    let Some(every) = every else { return false };
    match pipeline.queues.try_lock(PERIOD, every).await {
        Ok(taken) => taken.is_some(),
        Err(err) => {
            tracing::debug!(error = %err, "cannot reach Redis for the periodic reconcile");
            false
        }
    }
}
