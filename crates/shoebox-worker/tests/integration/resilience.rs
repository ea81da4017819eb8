//! Faults a running installation meets: Redis flushed, stopped and replaced empty, Postgres
//! refusing connections, a worker started on a database no server has migrated yet, a stop
//! while a queue is paused. Each ends with every asset processed and nothing run by hand.

use crate::common;

use std::time::{Duration, Instant};

use common::{Options, OwnRedis, Stack, jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};
use shoebox_core::jobs::Queue;
use sqlx::{Connection, Executor};

/// Pauses or resumes a queue through the jobs API, as the admin's dashboard does.
async fn command(stack: &Stack, queue: &str, command: &str) {
    let response = stack
        .http
        .put(stack.api(&format!("/jobs/{queue}")))
        .bearer_auth(&stack.token)
        .json(&json!({ "command": command }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{command} {queue}");
}

/// Jobs of `queue` in Redis: waiting (or held) plus running.
async fn jobs_in_redis(stack: &Stack, queue: Queue) -> u64 {
    let counts = stack.ctx.queues.counts(queue).await.unwrap();
    counts.waiting + counts.active
}

async fn failures(stack: &Stack) -> Vec<(String, String)> {
    sqlx::query_as("SELECT queue, reason FROM asset_job_failures WHERE NOT waiting_for_model")
        .fetch_all(&stack.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_worker_survives_flushall_and_requeues_what_redis_lost() {
    let redis = OwnRedis::start().await;
    let mut stack = Stack::start_with(Options { redis_url: Some(redis.url()), ..Options::default() }).await;
    for seed in 0..40 {
        stack.upload_bytes(&format!("photo-{seed}.jpg"), jpeg(seed + 900)).await;
    }
    // The periodic reconcile is far away: the worker must notice the loss by itself.
    let worker = stack.start_worker_with(&[("SHOEBOX_RECONCILE_SECS", Some("3600"))], None);
    stack.wait_for(3, 0, Duration::from_secs(120)).await;
    redis.flush_all().await;
    assert!(stack.progress().await.0 < 40, "the batch finished before the flush; make it bigger");

    stack.wait_for(40, 0, Duration::from_secs(180)).await;
    assert!(stack.worker_alive(worker), "the worker exited after FLUSHALL");
    assert_eq!(failures(&stack).await, Vec::<(String, String)>::new());

    // And it still takes new work.
    let later = stack.upload_bytes("after-the-flush.jpg", jpeg(999)).await;
    stack.wait_for(41, 0, Duration::from_secs(120)).await;
    assert_eq!(stack.get(&format!("/assets/{later}/thumbnail")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_upload_made_while_redis_is_down_is_processed_once_it_is_back() {
    let mut redis = OwnRedis::start().await;
    let mut stack = Stack::start_with(Options { redis_url: Some(redis.url()), ..Options::default() }).await;
    let worker = stack.start_worker();
    stack.upload_bytes("before.jpg", jpeg(1)).await;
    stack.wait_for(1, 0, Duration::from_secs(120)).await;

    redis.stop();
    // The upload itself succeeds (201, checked by upload_bytes): Postgres has it.
    let during = stack.upload_bytes("during.jpg", jpeg(2)).await;
    assert!(stack.worker_alive(worker), "the worker exited when Redis went away");
    // Redis comes back empty, as a replaced Redis would.
    redis.start_again().await;

    stack.wait_for(2, 0, Duration::from_secs(180)).await;
    assert_eq!(stack.get(&format!("/assets/{during}/thumbnail")).await.status(), StatusCode::OK);
    assert!(stack.worker_alive(worker));
    assert_eq!(failures(&stack).await, Vec::<(String, String)>::new());
}

/// Makes the test's database refuse every connection (as a Postgres outage does) until the
/// returned guard's `end` is called.
struct Outage {
    admin: sqlx::PgConnection,
    database: String,
}

impl Outage {
    async fn begin(stack: &Stack) -> Self {
        let admin_url = std::env::var(shoebox_db::testing::TEST_DATABASE_URL).unwrap();
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
        let database = stack.config.database_url.rsplit_once('/').unwrap().1.to_owned();
        admin.execute(sqlx::AssertSqlSafe(format!("ALTER DATABASE {database} ALLOW_CONNECTIONS false"))).await.unwrap();
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(&database)
            .execute(&mut admin)
            .await
            .unwrap();
        Self { admin, database }
    }

    async fn end(mut self) {
        let sql = format!("ALTER DATABASE {} ALLOW_CONNECTIONS true", self.database);
        self.admin.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
    }
}

#[tokio::test]
async fn a_postgres_outage_during_jobs_is_retried_not_a_permanent_failure() {
    let mut stack = Stack::start(false).await;
    command(&stack, "thumbnailGeneration", "pause").await;
    for seed in 0..4 {
        stack.upload_bytes(&format!("photo-{seed}.jpg"), jpeg(seed + 300)).await;
    }
    stack.start_worker_with(&[("SHOEBOX_RECONCILE_SECS", Some("2"))], None);
    stack
        .wait_count(
            "SELECT count(*) FROM asset_job_status WHERE metadata_extracted_at IS NOT NULL",
            4,
            Duration::from_secs(120),
        )
        .await;

    // Postgres goes away; the held thumbnail jobs start and meet it.
    let outage = Outage::begin(&stack).await;
    stack.ctx.queues.resume(Queue::Thumbnails).await.unwrap();
    // Every job runs (the jobs API counts it as active) and, after its retries, gives up.
    let start = Instant::now();
    let mut seen_running = false;
    loop {
        let counts = stack.ctx.queues.counts(Queue::Thumbnails).await.unwrap();
        seen_running |= counts.active > 0;
        if seen_running && counts.waiting + counts.active == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the jobs never ran into the outage: {counts:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    outage.end().await;

    // Nobody runs a command: the reconcile queues the steps again and they pass.
    stack.wait_for(4, 0, Duration::from_secs(120)).await;
    assert_eq!(failures(&stack).await, Vec::<(String, String)>::new(), "an outage is no permanent failure");
}

#[tokio::test]
async fn many_workers_reconciling_queue_each_lost_job_once() {
    let mut stack = Stack::start(false).await;
    for seed in 0..12 {
        stack.upload_bytes(&format!("photo-{seed}.jpg"), jpeg(seed + 700)).await;
    }
    // Redis loses every queued job; the queue is paused so the jobs stay countable.
    let client = redis::Client::open(stack.config.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> =
        redis::cmd("KEYS").arg(format!("{}:*", stack.config.redis_namespace)).query_async(&mut conn).await.unwrap();
    redis::cmd("DEL").arg(&keys).query_async::<()>(&mut conn).await.unwrap();
    command(&stack, "metadataExtraction", "pause").await;
    assert_eq!(jobs_in_redis(&stack, Queue::Metadata).await, 0);

    for _ in 0..3 {
        stack.start_worker_with(&[("SHOEBOX_RECONCILE_SECS", Some("1"))], None);
    }
    let start = Instant::now();
    while jobs_in_redis(&stack, Queue::Metadata).await < 12 {
        assert!(start.elapsed() < Duration::from_secs(60), "the lost jobs were not queued again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let several periodic reconciles pass (each takes the period lock with a new token).
    let period = format!("{}:lock:reconcile-period", stack.config.redis_namespace);
    let mut tokens = std::collections::HashSet::new();
    while tokens.len() < 4 {
        let token: Option<String> = redis::cmd("GET").arg(&period).query_async(&mut conn).await.unwrap();
        tokens.extend(token);
        assert!(start.elapsed() < Duration::from_secs(60), "the periodic reconcile does not run: {tokens:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(jobs_in_redis(&stack, Queue::Metadata).await, 12, "each lost job is queued once");

    command(&stack, "metadataExtraction", "resume").await;
    stack.wait_for(12, 0, Duration::from_secs(120)).await;
}

/// A video that takes a while to transcode: 20 s of 720p MPEG-4, which browsers cannot play.
fn long_video(dir: &std::path::Path) -> Vec<u8> {
    let path = dir.join("long.mp4");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "20"])
        .args(["-c:v", "mpeg4", "-q:v", "4", "-y"])
        .arg(&path)
        .status()
        .expect("ffmpeg is installed");
    assert!(made.success());
    std::fs::read(path).unwrap()
}

#[tokio::test]
async fn the_jobs_api_shows_a_running_job_as_active() {
    let mut stack = Stack::start(false).await;
    let scratch = tempfile::tempdir().unwrap();
    let video = stack.upload_bytes("long.mp4", long_video(scratch.path())).await;
    stack.start_worker();
    let encoded = || async {
        let done: Option<bool> =
            sqlx::query_scalar("SELECT video_encoded_at IS NOT NULL FROM asset_job_status WHERE asset_id = $1::uuid")
                .bind(&video)
                .fetch_optional(&stack.ctx.db)
                .await
                .unwrap();
        done == Some(true)
    };
    let start = Instant::now();
    loop {
        let jobs = stack.get_json("/jobs").await;
        let counts = &jobs["videoConversion"]["jobCounts"];
        if counts["active"] == 1 {
            let queue = stack.get_json("/queues/videoConversion").await;
            assert_eq!(queue["statistics"]["active"], 1);
            break;
        }
        assert!(!encoded().await, "the video was transcoded and the jobs API never showed it running: {counts}");
        assert!(start.elapsed() < Duration::from_secs(240), "the video step never ran");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    while !encoded().await {
        assert!(start.elapsed() < Duration::from_secs(240), "the video step did not finish");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Once the job is acknowledged it is no longer active.
    loop {
        let jobs = stack.get_json("/jobs").await;
        if jobs["videoConversion"]["jobCounts"]["active"] == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(240), "a finished job stays active: {}", jobs["videoConversion"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_worker_started_before_the_first_migration_still_geocodes() {
    // A fresh installation: the worker comes up before any server has created the schema.
    let options = Options { with_places: true, ..Options::default() };
    let (config, data_dir) = common::test_config(&options, false).await;
    let worker = common::worker_command(&config).stdin(std::process::Stdio::null()).spawn().expect("worker starts");
    // Wait until the worker drains its queues, i.e. is past its start-up.
    let queues = shoebox_queue::JobQueues::connect(&config.redis_url, &config.redis_namespace).await.unwrap();
    let workers_set = queues.storage::<shoebox_core::jobs::AssetJob>(Queue::Metadata).get_config().workers_set();
    let client = redis::Client::open(config.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let start = Instant::now();
    loop {
        let registered: u64 = redis::cmd("ZCARD").arg(&workers_set).query_async(&mut conn).await.unwrap();
        if registered > 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the worker never started draining");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let stack = Stack::serve(config, data_dir, vec![worker]).await;
    let starfish = stack.upload_fixture("photos/starfish.jpg").await;
    stack.wait_for(1, 0, Duration::from_secs(120)).await;
    let info = stack.get_json(&format!("/assets/{starfish}")).await;
    let exif = &info["exifInfo"];
    assert_eq!((exif["city"].as_str(), exif["country"].as_str()), (Some("List"), Some("Germany")), "{exif}");
}

#[tokio::test]
async fn stopping_with_a_paused_queue_hands_its_jobs_back_at_once() {
    let mut stack = Stack::start(false).await;
    command(&stack, "metadataExtraction", "pause").await;
    for seed in 0..3 {
        stack.upload_bytes(&format!("held-{seed}.jpg"), jpeg(seed + 40)).await;
    }
    let worker = stack.start_worker();
    // The worker is up (registered on the queue; a debug worker starting beside a whole suite of
    // others can take long to get there) and has had three heartbeats' time to take jobs, had it
    // been going to: it took none.
    let workers_set =
        stack.ctx.queues.storage::<shoebox_core::jobs::AssetJob>(Queue::Metadata).get_config().workers_set();
    let client = redis::Client::open(stack.config.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let start = Instant::now();
    loop {
        let registered: u64 = redis::cmd("ZCARD").arg(&workers_set).query_async(&mut conn).await.unwrap();
        if registered > 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(180), "the worker never registered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(stack.config.worker_heartbeat * 3).await;
    let counts = stack.ctx.queues.counts(Queue::Metadata).await.unwrap();
    assert_eq!((counts.waiting, counts.active), (3, 0), "a paused queue's worker took jobs");

    let (status, took) = stack.stop_worker(worker, Duration::from_secs(60)).await;
    assert!(status.success(), "{status}");
    assert!(took < Duration::from_secs(20), "stopping waited {took:?} on jobs a paused queue held");
    let counts = stack.ctx.queues.counts(Queue::Metadata).await.unwrap();
    assert_eq!((counts.waiting, counts.active), (3, 0), "the held jobs are back in the queue");

    command(&stack, "metadataExtraction", "resume").await;
    stack.start_worker();
    stack.wait_for(3, 0, Duration::from_secs(120)).await;
    let jobs: Value = stack.get_json("/jobs").await;
    assert_eq!(jobs["metadataExtraction"]["jobCounts"]["failed"], 0);
}
