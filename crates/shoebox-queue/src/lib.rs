//! Redis job queues (apalis) shared by the server, which enqueues work, and the workers, which
//! drain it. Every queue is named explicitly under the installation's namespace.

use anyhow::Context;
use apalis::prelude::TaskSink;
use apalis_redis::{Config, ConnectionManager, RedisStorage};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shoebox_core::jobs::{AssetJob, Queue};

/// A connection to the job queues of one Shoebox installation.
#[derive(Clone)]
pub struct JobQueues {
    namespace: String,
    conn: ConnectionManager,
}

impl std::fmt::Debug for JobQueues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobQueues").field("namespace", &self.namespace).finish_non_exhaustive()
    }
}

impl JobQueues {
    /// Connects to Redis at `url`; the connection reconnects by itself after Redis restarts.
    pub async fn connect(url: &str, namespace: &str) -> anyhow::Result<Self> {
        let conn = apalis_redis::connect(url).await.with_context(|| format!("cannot reach Redis at {url}"))?;
        Ok(Self { namespace: namespace.to_owned(), conn })
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The apalis storage behind `queue`, for pushing or for a worker to drain.
    pub fn storage<T>(&self, queue: Queue) -> RedisStorage<T>
    where
        T: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static,
    {
        let config = Config::default().queue(queue.redis_name(&self.namespace));
        RedisStorage::new(self.conn.clone()).with_config(config)
    }

    /// Enqueues one asset step.
    pub async fn push_asset(&self, queue: Queue, job: AssetJob) -> anyhow::Result<()> {
        let mut storage = self.storage::<AssetJob>(queue);
        storage.push(job).await.with_context(|| format!("enqueueing {} for {}", queue.name(), job.asset_id))?;
        Ok(())
    }

    /// How many jobs wait in `queue`, not yet taken by a worker. apalis files every new job
    /// as scheduled (due now) and moves it to the active list when a worker polls.
    pub async fn waiting(&self, queue: Queue) -> anyhow::Result<u64> {
        let storage = self.storage::<AssetJob>(queue);
        let config = storage.get_config();
        let mut conn = self.conn.clone();
        let (active, scheduled): (u64, u64) = redis::pipe()
            .cmd("LLEN")
            .arg(config.active_jobs_list())
            .cmd("ZCARD")
            .arg(config.scheduled_jobs_set())
            .query_async(&mut conn)
            .await?;
        Ok(active + scheduled)
    }
}
