//! Starting a step for the assets that are due, the one way the jobs API (`PUT /api/jobs/{name}`)
//! and the worker's `queue missing|all` do it.

use shoebox_core::jobs::Queue;
use shoebox_db::PgPool;
use shoebox_db::pipeline::{self, Due};

use crate::JobQueues;

/// Queues `queue`'s step for every asset `which` selects; returns how many. Re-running facial
/// recognition for all assets is Immich's full re-cluster: machine-made faces lose their people
/// first, so clusters form anew.
pub async fn start(db: &PgPool, queues: &JobQueues, queue: Queue, which: Due) -> anyhow::Result<usize> {
    if which == Due::All && queue == Queue::FacialRecognition {
        shoebox_db::faces::reset_recognition(db).await?;
    }
    let ids = pipeline::due(db, queue, which).await?;
    queues.push_many(queue, &ids).await?;
    Ok(ids.len())
}
