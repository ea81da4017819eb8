//! Redis job queues (apalis) shared by the server, which enqueues work, and the workers, which
//! drain it. Every queue is named explicitly under the installation's namespace. Each push is
//! announced on the queue's wake channel ([`wake`]), so idle workers start it at once.

pub mod start;
pub mod wake;

use std::collections::HashSet;
use std::time::Duration;

use anyhow::Context;
use apalis::prelude::TaskSink;
use apalis_redis::{Config, ConnectionManager, RedisStorage};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shoebox_core::jobs::{AssetJob, Queue};
use shoebox_core::live::WorkerNotice;
use uuid::Uuid;

pub use start::start;
pub use wake::{WakeOnJobs, Wakeups};

/// Counts, over every registered worker of a queue, the jobs it started (`Running`) and those
/// it fetched but has not started. KEYS: workers set, inflight prefix, job metadata prefix.
const COUNT_INFLIGHT: &str = r"
local running, held = 0, 0
for _, worker in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    for _, id in ipairs(redis.call('SMEMBERS', KEYS[2] .. ':' .. worker)) do
        if redis.call('HGET', KEYS[3] .. ':' .. id, 'status') == 'Running' then
            running = running + 1
        else
            held = held + 1
        end
    end
end
return {running, held}
";

/// Deletes a lock only if it still holds the caller's token. KEYS: the lock; ARGV: the token.
const RELEASE_LOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
";

/// What Redis knows of a queue right now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub waiting: u64,
    pub active: u64,
}

/// A connection to the job queues of one Shoebox installation.
#[derive(Clone)]
pub struct JobQueues {
    namespace: String,
    url: String,
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
        Ok(Self { namespace: namespace.to_owned(), url: url.to_owned(), conn })
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

    /// The storage a worker drains `queue` through, fetching when `wakes` says jobs arrived. It takes only as many jobs as it has free slots, so another
    /// worker with free slots gets the rest of a batch. A worker that stops beating for four
    /// `heartbeat`s is presumed dead, and its jobs go back to the queue for others.
    pub fn consumer<T>(
        &self,
        queue: Queue,
        heartbeat: Duration,
        wakes: tokio::sync::mpsc::Receiver<()>,
    ) -> WakeOnJobs<RedisStorage<T>>
    where
        T: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static,
    {
        let config = Config::default()
            .queue(queue.redis_name(&self.namespace))
            .batch_size(1)
            .heartbeat_interval(heartbeat)
            .missed_heartbeats(4);
        WakeOnJobs::new(RedisStorage::new(self.conn.clone()).with_config(config), wakes)
    }

    /// Listens for the wakes of every queue, for this process's consumers.
    pub fn wakeups(&self) -> anyhow::Result<Wakeups> {
        Wakeups::listen(&self.url, &self.namespace)
    }

    /// Tells `queue`'s workers that it has new jobs, or was paused or resumed.
    async fn announce(&self, queue: Queue) -> anyhow::Result<()> {
        let mut conn = self.conn.clone();
        redis::cmd("PUBLISH").arg(wake::channel(&self.namespace, queue)).arg("").query_async::<()>(&mut conn).await?;
        Ok(())
    }

    fn paused_key(&self, queue: Queue) -> String {
        format!("{}:paused", queue.redis_name(&self.namespace))
    }

    /// Stops workers from starting new jobs of `queue` (jobs under way finish). Workers hear of
    /// it, and of [`Self::resume`], on the queue's wake channel.
    pub async fn pause(&self, queue: Queue) -> anyhow::Result<()> {
        let mut conn = self.conn.clone();
        redis::cmd("SET").arg(self.paused_key(queue)).arg(1).query_async::<()>(&mut conn).await?;
        self.announce(queue).await
    }

    pub async fn resume(&self, queue: Queue) -> anyhow::Result<()> {
        let mut conn = self.conn.clone();
        redis::cmd("DEL").arg(self.paused_key(queue)).query_async::<()>(&mut conn).await?;
        self.announce(queue).await
    }

    pub async fn is_paused(&self, queue: Queue) -> anyhow::Result<bool> {
        let mut conn = self.conn.clone();
        let exists: bool = redis::cmd("EXISTS").arg(self.paused_key(queue)).query_async(&mut conn).await?;
        Ok(exists)
    }

    /// The pub/sub channel carrying workers' notices to the servers.
    pub fn notices_channel(&self) -> String {
        format!("{}:events", self.namespace)
    }

    /// Tells every server about a change, for them to pass on to the user's live clients.
    pub async fn publish_notice(&self, notice: &WorkerNotice) -> anyhow::Result<()> {
        let payload = serde_json::to_string(notice)?;
        let mut conn = self.conn.clone();
        redis::cmd("PUBLISH").arg(self.notices_channel()).arg(payload).query_async::<()>(&mut conn).await?;
        Ok(())
    }

    /// Workers' notices as they are published, on a connection of their own; what cannot be
    /// read (e.g. from a newer worker) is skipped.
    pub async fn notices(&self) -> anyhow::Result<impl futures::Stream<Item = WorkerNotice> + Send + use<>> {
        use futures::StreamExt;
        let client = redis::Client::open(self.url.as_str())?;
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(self.notices_channel()).await?;
        Ok(pubsub.into_on_message().filter_map(|message| async move {
            let text = message.get_payload::<String>().ok()?;
            match serde_json::from_str(&text) {
                Ok(notice) => Some(notice),
                Err(err) => {
                    tracing::warn!(error = %err, "ignoring an unreadable worker notice");
                    None
                }
            }
        }))
    }

    /// The Redis URL, for connections that need settings of their own (socket.io's adapter).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Removes what finished jobs leave behind in Redis: their data, their metadata and the
    /// set of finished ids (Postgres, not Redis, counts completed work).
    pub async fn vacuum(&self, queue: Queue) -> anyhow::Result<usize> {
        use apalis_core::backend::Vacuum;
        let mut storage = self.storage::<AssetJob>(queue);
        let removed = storage.vacuum().await?;
        let done_set = storage.get_config().done_jobs_set();
        let mut conn = self.conn.clone();
        redis::cmd("DEL").arg(done_set).query_async::<()>(&mut conn).await?;
        Ok(removed)
    }

    /// Enqueues one asset step.
    pub async fn push_asset(&self, queue: Queue, job: AssetJob) -> anyhow::Result<()> {
        let mut storage = self.storage::<AssetJob>(queue);
        storage.push(job).await.with_context(|| format!("enqueueing {} for {}", queue.name(), job.asset_id))?;
        self.announce(queue).await
    }

    /// Enqueues one step for many assets.
    pub async fn push_many(&self, queue: Queue, asset_ids: &[Uuid]) -> anyhow::Result<()> {
        if asset_ids.is_empty() {
            return Ok(());
        }
        let mut storage = self.storage::<AssetJob>(queue);
        for chunk in asset_ids.chunks(1000) {
            let jobs = chunk.iter().map(|&asset_id| AssetJob { asset_id }).collect();
            storage.push_bulk(jobs).await.with_context(|| format!("enqueueing {} jobs", queue.name()))?;
        }
        self.announce(queue).await
    }

    /// Jobs waiting in `queue` and jobs workers are running now. apalis keeps the jobs a worker
    /// took in `{queue}:inflight:{worker}`: those it has started (locked, status `Running`) are
    /// active; those it fetched ahead and has not started yet still wait.
    pub async fn counts(&self, queue: Queue) -> anyhow::Result<QueueCounts> {
        let storage = self.storage::<AssetJob>(queue);
        let config = storage.get_config();
        let mut conn = self.conn.clone();
        let (active_list, scheduled): (u64, u64) = redis::pipe()
            .cmd("LLEN")
            .arg(config.active_jobs_list())
            .cmd("ZCARD")
            .arg(config.scheduled_jobs_set())
            .query_async(&mut conn)
            .await?;
        let (running, held): (u64, u64) = redis::Script::new(COUNT_INFLIGHT)
            .key(config.workers_set())
            .key(config.inflight_jobs_set())
            .key(config.job_meta_hash())
            .invoke_async(&mut conn)
            .await?;
        Ok(QueueCounts { waiting: active_list + scheduled + held, active: running })
    }

    /// Sets the `shoebox_queue_jobs{queue,state}` gauges (waiting, active) from Redis, for the
    /// server's and the workers' `/metrics`. A queue that cannot be counted keeps its last value.
    pub async fn record_depths(&self) {
        for &queue in Queue::ALL {
            match self.counts(queue).await {
                Ok(counts) => {
                    metrics::gauge!("shoebox_queue_jobs", "queue" => queue.name(), "state" => "waiting")
                        .set(counts.waiting as f64);
                    metrics::gauge!("shoebox_queue_jobs", "queue" => queue.name(), "state" => "active")
                        .set(counts.active as f64);
                }
                Err(err) => tracing::debug!(queue = queue.name(), error = %err, "cannot count a queue for the metrics"),
            }
        }
    }

    /// The assets that have a job in `queue` right now: waiting, scheduled, or taken by a
    /// worker (started or not). Finished jobs are not counted.
    pub async fn queued_assets(&self, queue: Queue) -> anyhow::Result<HashSet<Uuid>> {
        let storage = self.storage::<AssetJob>(queue);
        let config = storage.get_config();
        let mut conn = self.conn.clone();
        let (mut ids, scheduled, workers): (Vec<String>, Vec<String>, Vec<String>) = redis::pipe()
            .cmd("LRANGE")
            .arg(config.active_jobs_list())
            .arg(0)
            .arg(-1)
            .cmd("ZRANGE")
            .arg(config.scheduled_jobs_set())
            .arg(0)
            .arg(-1)
            .cmd("ZRANGE")
            .arg(config.workers_set())
            .arg(0)
            .arg(-1)
            .query_async(&mut conn)
            .await?;
        ids.extend(scheduled);
        for worker in workers {
            let taken: Vec<String> = redis::cmd("SMEMBERS")
                .arg(format!("{}:{worker}", config.inflight_jobs_set()))
                .query_async(&mut conn)
                .await?;
            ids.extend(taken);
        }
        let mut assets = HashSet::new();
        for chunk in ids.chunks(1000) {
            let jobs: Vec<Option<Vec<u8>>> =
                redis::cmd("HMGET").arg(config.job_data_hash()).arg(chunk).query_async(&mut conn).await?;
            assets.extend(
                jobs.into_iter()
                    .flatten()
                    .filter_map(|job| serde_json::from_slice::<AssetJob>(&job).ok().map(|job| job.asset_id)),
            );
        }
        Ok(assets)
    }

    /// Queues `queue`'s step for those of `asset_ids` that have no job in it yet; returns how
    /// many were queued. Steps are idempotent, so a rare duplicate (a job queued by the step
    /// before between the two looks) only costs time.
    pub async fn push_unless_queued(&self, queue: Queue, asset_ids: &[Uuid]) -> anyhow::Result<usize> {
        if asset_ids.is_empty() {
            return Ok(0);
        }
        let queued = self.queued_assets(queue).await?;
        let missing: Vec<Uuid> = asset_ids.iter().copied().filter(|id| !queued.contains(id)).collect();
        self.push_many(queue, &missing).await?;
        Ok(missing.len())
    }

    /// Takes the installation-wide lock `name` for at most `ttl`, unless another process holds
    /// it; returns the token that releases it.
    pub async fn try_lock(&self, name: &str, ttl: Duration) -> anyhow::Result<Option<String>> {
        let token = Uuid::new_v4().to_string();
        let mut conn = self.conn.clone();
        let taken: Option<String> = redis::cmd("SET")
            .arg(self.lock_key(name))
            .arg(&token)
            .arg("NX")
            .arg("PX")
            .arg(ttl.as_millis().max(1) as u64)
            .query_async(&mut conn)
            .await?;
        Ok(taken.map(|_| token))
    }

    /// Releases a lock [`Self::try_lock`] took, if it is still ours.
    pub async fn unlock(&self, name: &str, token: &str) -> anyhow::Result<()> {
        let mut conn = self.conn.clone();
        redis::Script::new(RELEASE_LOCK).key(self.lock_key(name)).arg(token).invoke_async::<()>(&mut conn).await?;
        Ok(())
    }

    fn lock_key(&self, name: &str) -> String {
        format!("{}:lock:{name}", self.namespace)
    }

    /// Drops every job waiting in `queue` (jobs under way finish).
    pub async fn empty(&self, queue: Queue) -> anyhow::Result<()> {
        let storage = self.storage::<AssetJob>(queue);
        let config = storage.get_config();
        let mut conn = self.conn.clone();
        redis::cmd("DEL")
            .arg(config.active_jobs_list())
            .arg(config.scheduled_jobs_set())
            .query_async::<()>(&mut conn)
            .await?;
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
