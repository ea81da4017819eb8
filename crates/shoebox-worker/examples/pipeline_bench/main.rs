//! Pipeline benchmark: how quickly a new photo is shown, and how much the machine does per hour.
//!
//! Each part runs a server in this process and one release `shoebox-worker` process (default
//! settings: concurrency and CPU budget from the cores) on a fresh database of the Postgres and
//! Redis that `deploy/local/bench` starts:
//! - **single photos**: one generated 12 MP JPEG at a time on an idle server, from the upload
//!   to the moment `GET /api/assets/{id}/thumbnail` answers, p50 and p95;
//! - **batch**: N 12 MP JPEGs uploaded by four clients at once, until every one has its
//!   thumbnail and preview: photos/hour, the cores kept busy (worker plus server CPU over wall
//!   time) and CPU-seconds per photo;
//! - **large video** (`SHOEBOX_BENCH_VIDEO`): from upload to metadata and poster thumbnails;
//! - **faces** (`SHOEBOX_TEST_MODELS_DIR` with buffalo_s): 30 photos of people through face
//!   detection and recognition;
//! - **ocr** and **faces-learning** ([`recognition`]): the words read in real printed photos
//!   (photos/hour, words read and found), and faces of a labelled set before and after naming;
//! - **storage** (`SHOEBOX_TEST_S3_*`, SeaweedFS on this machine): the same batch of photos on
//!   local disk and on S3, upload MB/s and photos/hour; then a 2 GB upload (the large video sent
//!   four times over) and the server process's memory while it streams in;
//! - **backup** (`SHOEBOX_PG_DUMP`): the batch's originals backed up to another folder, then again
//!   with nothing new, then to S3, and scrubbed; beside `cp -r` of the same files, the floor any
//!   copy on this disk has.
//!
//! Usage: pipeline_bench [batch photos, default 200] [single photos, default 20]; the parts to
//! run can be narrowed with `SHOEBOX_BENCH_PARTS` (comma-separated: single, batch, video, faces,
//! ocr, faces-learning, storage, backup; all by default).

mod recognition;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use shoebox_core::Config;

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
/// How often the benchmark asks whether a thumbnail is served yet.
const POLL: Duration = Duration::from_millis(5);
const LIMIT: Duration = Duration::from_secs(1800);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter("warn").init();
    let mut args = std::env::args().skip(1);
    let batch: usize = args.next().map_or(Ok(200), |n| n.parse())?;
    let singles: usize = args.next().map_or(Ok(20), |n| n.parse())?;
    let cores = shoebox_core::config::available_cores();
    println!("{cores} cores; worker defaults (CPU budget {cores}); 12 MP JPEGs are {WIDTH}×{HEIGHT}, quality 90");

    let parts = std::env::var("SHOEBOX_BENCH_PARTS").unwrap_or_default();
    let wanted = |part: &str| parts.is_empty() || parts.split(',').any(|p| p.trim() == part);
    if wanted("single") {
        single_photos(singles).await?;
    }
    if wanted("batch") {
        batch_photos(batch).await?;
    }
    match std::env::var_os("SHOEBOX_BENCH_VIDEO").filter(|_| wanted("video")) {
        Some(video) => large_video(Path::new(&video)).await?,
        None => println!("\nlarge video: skipped (not asked for, or SHOEBOX_BENCH_VIDEO not set)"),
    }
    match (std::env::var_os("SHOEBOX_TEST_MODELS_DIR"), std::env::var_os("SHOEBOX_FIXTURES_DIR")) {
        _ if !wanted("faces") => {}
        (Some(models), Some(fixtures)) => faces(Path::new(&models), Path::new(&fixtures)).await?,
        _ => println!("\nfaces: skipped (SHOEBOX_TEST_MODELS_DIR or SHOEBOX_FIXTURES_DIR not set)"),
    }
    if let (Some(models), Some(fixtures)) = (std::env::var_os("SHOEBOX_TEST_MODELS_DIR"), std::env::var_os("SHOEBOX_FIXTURES_DIR")) {
        if wanted("ocr") {
            recognition::ocr(Path::new(&models), Path::new(&fixtures), 4).await?;
        }
        if wanted("faces-learning") {
            recognition::faces_learning(Path::new(&models), Path::new(&fixtures)).await?;
        }
    }
    let s3 = std::env::var_os("SHOEBOX_TEST_S3_ENDPOINT").is_some();
    if wanted("storage") && s3 {
        storage(batch.min(100)).await?;
        if let Some(video) = std::env::var_os("SHOEBOX_BENCH_VIDEO") {
            large_upload_memory(Path::new(&video)).await?;
        }
    } else if wanted("storage") {
        println!("\nstorage: skipped (SHOEBOX_TEST_S3_ENDPOINT not set)");
    }
    match std::env::var_os("SHOEBOX_PG_DUMP") {
        _ if !wanted("backup") => {}
        Some(pg_dump) => backups(batch.min(100), PathBuf::from(pg_dump), s3).await?,
        None => println!("\nbackup: skipped (SHOEBOX_PG_DUMP not set)"),
    }
    Ok(())
}

async fn backups(count: usize, pg_dump: PathBuf, s3: bool) -> anyhow::Result<()> {
    use shoebox_backup::{Progress, Target};
    use shoebox_core::config::StorageLocation;
    println!("\n## backup: {count} photos to another folder and to S3, then a scrub of them all");
    let photos = generate(count, 30_000);
    let megabytes = photos.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    let mut bench = Bench::start(&[], None).await?;
    // Only the backup runs: no worker competes for the cores.
    bench.stop_worker();
    let uploads = futures::stream::iter(photos.into_iter().enumerate())
        .map(|(i, bytes)| bench.upload_owned(format!("backup-{i}.jpg"), bytes))
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await;
    uploads.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let mut config = (*bench.ctx.config).clone();
    config.backup.pg_dump = pg_dump;
    let (db, storage) = (&bench.ctx.db, &bench.ctx.storage);
    let folder = tempfile::tempdir()?;
    let on_disk = Target::open(&config, &StorageLocation::Local(folder.path().to_owned()))?;
    let start = Instant::now();
    let first = shoebox_backup::backup(&config, db, storage, &on_disk, Progress::new()).await?;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "to another folder: {:.0} MB/s ({megabytes:.0} MB, {} files and a {} KB dump in {seconds:.1} s)",
        megabytes / seconds,
        first.copied_files,
        first.database_bytes / 1000
    );
    let start = Instant::now();
    let again = shoebox_backup::backup(&config, db, storage, &on_disk, Progress::new()).await?;
    println!("again with nothing new: {:.2} s ({} files copied, {} already there)", start.elapsed().as_secs_f64(), again.copied_files, again.reused_files);
    let copy = tempfile::tempdir()?;
    let start = Instant::now();
    let status = std::process::Command::new("cp").arg("-r").arg(config.data_dir.join("upload")).arg(copy.path()).status()?;
    anyhow::ensure!(status.success(), "cp -r failed");
    println!("cp -r of the same originals (no database, no check): {:.0} MB/s", megabytes / start.elapsed().as_secs_f64());
    if s3 {
        let (bucket, s3_config) = shoebox_storage::testing::test_bucket();
        let mut with_keys = config.clone();
        with_keys.s3 = s3_config;
        let prefix = format!("bench-backup-{}", uuid::Uuid::new_v4().simple());
        let in_bucket = Target::open(&with_keys, &StorageLocation::S3 { bucket, prefix })?;
        let start = Instant::now();
        shoebox_backup::backup(&with_keys, db, storage, &in_bucket, Progress::new()).await?;
        println!("to S3 (SeaweedFS on this machine): {:.0} MB/s", megabytes / start.elapsed().as_secs_f64());
    }
    let start = Instant::now();
    let scrub = shoebox_backup::scrub(db, storage, 100.0, Progress::new()).await?;
    let seconds = start.elapsed().as_secs_f64();
    println!("scrub of every original: {:.0} MB/s, {:.0} photos/s ({} matched)", scrub.bytes as f64 / 1e6 / seconds, scrub.read as f64 / seconds, scrub.matched);
    Ok(())
}

/// Where a bench installation keeps its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    LocalDisk,
    S3,
}

async fn storage(count: usize) -> anyhow::Result<()> {
    println!("\n## storage: {count} photos on local disk and on S3 (SeaweedFS on this machine)");
    let photos = generate(count, 20_000);
    let megabytes = photos.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    for backend in [Backend::LocalDisk, Backend::S3] {
        let bench = Bench::start_on(backend, &[], None).await?;
        bench.warm_up().await?;
        let start = Instant::now();
        let uploads = futures::stream::iter(photos.iter().cloned().enumerate())
            .map(|(i, bytes)| bench.upload_owned(format!("storage-{i}.jpg"), bytes))
            .buffer_unordered(4)
            .collect::<Vec<_>>()
            .await;
        uploads.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
        let uploaded = start.elapsed().as_secs_f64();
        bench.wait_count("SELECT count(*) FROM asset_job_status WHERE thumbnails_generated_at IS NOT NULL", count).await?;
        let wall = start.elapsed().as_secs_f64();
        println!(
            "{backend:?}: upload {:.0} MB/s ({megabytes:.0} MB in {uploaded:.1} s, four at a time); {:.0} photos/hour to thumbnail + preview",
            megabytes / uploaded,
            count as f64 / wall * 3600.0
        );
    }
    Ok(())
}

/// A 2 GB upload streamed from disk: the server must hold a few parts, not the file.
async fn large_upload_memory(video: &Path) -> anyhow::Result<()> {
    const TIMES: u64 = 4;
    let len = std::fs::metadata(video)?.len();
    println!("\n## a {:.1} GB upload ({} sent {TIMES} times over), server memory", (len * TIMES) as f64 / 1e9, video.display());
    for backend in [Backend::LocalDisk, Backend::S3] {
        let mut bench = Bench::start_on(backend, &[], None).await?;
        // Only the upload is measured: no worker downloads the file meanwhile.
        bench.stop_worker();
        let before = resident_bytes("VmRSS")?;
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
        let sampler = {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    if let Ok(now) = resident_bytes("VmRSS") {
                        peak.fetch_max(now, std::sync::atomic::Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let path = video.to_owned();
        let body = futures::stream::iter(0..TIMES)
            .then(move |_| {
                let path = path.clone();
                async move { tokio::fs::File::open(path).await.map(tokio_util::io::ReaderStream::new) }
            })
            .map_ok(|chunks| chunks)
            .try_flatten();
        let part = Part::stream_with_length(reqwest::Body::wrap_stream(body), len * TIMES).file_name("two-gigabytes.mp4");
        let form = Form::new()
            .part("assetData", part)
            .text("fileCreatedAt", "2024-01-01T00:00:00Z")
            .text("fileModifiedAt", "2024-01-01T00:00:00Z");
        let started = Instant::now();
        let response = bench.http.post(format!("{}/assets", bench.url)).bearer_auth(&bench.token).multipart(form).send().await?;
        response.error_for_status()?;
        let seconds = started.elapsed().as_secs_f64();
        sampler.abort();
        let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
        println!(
            "{backend:?}: {:.0} MB/s; server process memory {} MB before, {} MB at most during the upload (+{} MB)",
            (len * TIMES) as f64 / 1e6 / seconds,
            before / 1_000_000,
            peak / 1_000_000,
            peak.saturating_sub(before) / 1_000_000
        );
    }
    Ok(())
}

/// A memory figure of this process (the server runs in it) from `/proc/self/status`.
fn resident_bytes(field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status.lines().find(|line| line.starts_with(field)).context("no such field")?;
    Ok(line.split_whitespace().nth(1).context("value")?.parse::<u64>()? * 1024)
}

async fn single_photos(count: usize) -> anyhow::Result<()> {
    println!("\n## single photos on an idle server ({count}, one at a time)");
    let photos = generate(count, 0);
    let bench = Bench::start(&[], None).await?;
    bench.warm_up().await?;
    let (mut from_start, mut from_response) = (Vec::new(), Vec::new());
    for (i, bytes) in photos.into_iter().enumerate() {
        // Idle between photos, as when a phone backs up one new picture.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let started = Instant::now();
        let id = bench.upload(&format!("single-{i}.jpg"), bytes).await?;
        let uploaded = Instant::now();
        bench.wait_thumbnail(&id).await?;
        from_start.push(started.elapsed());
        from_response.push(uploaded.elapsed());
    }
    let (p50, p95) = percentiles(&mut from_start);
    println!("upload start → thumbnail served: p50 {:.3} s, p95 {:.3} s", p50, p95);
    let (p50, p95) = percentiles(&mut from_response);
    println!("upload answered → thumbnail served: p50 {:.3} s, p95 {:.3} s", p50, p95);
    Ok(())
}

async fn batch_photos(count: usize) -> anyhow::Result<()> {
    println!("\n## batch: {count} photos, four uploads at a time");
    let photos = generate(count, 10_000);
    let mb = photos.iter().map(Vec::len).sum::<usize>() as f64 / count as f64 / 1e6;
    let bench = Bench::start(&[], None).await?;
    bench.warm_up().await?;
    let cpu_before = bench.cpu_seconds()?;
    let start = Instant::now();
    let uploads = futures::stream::iter(photos.into_iter().enumerate())
        .map(|(i, bytes)| bench.upload_owned(format!("batch-{i}.jpg"), bytes))
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await;
    uploads.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let uploaded = start.elapsed();
    bench.wait_count("SELECT count(*) FROM asset_job_status WHERE thumbnails_generated_at IS NOT NULL", count).await?;
    let wall = start.elapsed().as_secs_f64();
    let cpu_after = bench.cpu_seconds()?;
    let (worker_cpu, server_cpu) = (cpu_after.0 - cpu_before.0, cpu_after.1 - cpu_before.1);
    println!("average size {mb:.1} MB; uploaded in {:.1} s", uploaded.as_secs_f64());
    println!(
        "upload → metadata → thumbnail + preview: {count} photos in {wall:.1} s = {:.0} photos/hour",
        count as f64 / wall * 3600.0
    );
    println!(
        "cores busy {:.2} (worker {:.2}, server {:.2}); CPU per photo {:.3} s (worker {:.3} s, server {:.3} s)",
        (worker_cpu + server_cpu) / wall,
        worker_cpu / wall,
        server_cpu / wall,
        (worker_cpu + server_cpu) / count as f64,
        worker_cpu / count as f64,
        server_cpu / count as f64
    );
    println!("worker peak memory {} MB", bench.worker_peak_memory()? / 1_000_000);
    Ok(())
}

async fn large_video(path: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    println!("\n## large video: {} ({:.0} MB)", path.display(), bytes.len() as f64 / 1e6);
    let bench = Bench::start(&[], None).await?;
    bench.warm_up().await?;
    let started = Instant::now();
    let id = bench.upload("large.mp4", bytes).await?;
    let uploaded = started.elapsed();
    let answered = Instant::now();
    bench.wait_thumbnail(&id).await?;
    let thumbnails = answered.elapsed();
    let encoded = bench.wait_step(&id, "video_encoded_at").await?;
    println!(
        "upload {:.2} s; then metadata + poster thumbnails {:.3} s",
        uploaded.as_secs_f64(),
        thumbnails.as_secs_f64()
    );
    println!(
        "video step done {:.2} s after the poster (a copy only when browsers cannot play it)",
        encoded.as_secs_f64()
    );
    Ok(())
}

async fn faces(models: &Path, fixtures: &Path) -> anyhow::Result<()> {
    const PHOTOS: usize = 30;
    let people = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "gdp.jpg"];
    println!("\n## faces: {PHOTOS} photos of people (buffalo_s), detection + recognition");
    let onnxruntime = std::env::var("SHOEBOX_ONNXRUNTIME_PATH").context("SHOEBOX_ONNXRUNTIME_PATH")?;
    let bench = Bench::start(
        &[
            ("SHOEBOX_ONNXRUNTIME_PATH", onnxruntime.as_str()),
            ("SHOEBOX_CLIP_MODEL", "shoebox-test-clip"),
            ("SHOEBOX_FACE_MODEL", "buffalo_s"),
        ],
        Some(models),
    )
    .await?;
    // Each photo differs in its bytes (re-encoded) so none is refused as a duplicate.
    let mut photos = Vec::new();
    for i in 0..PHOTOS {
        let original = image::open(fixtures.join("photos").join(people[i % people.len()]))?.into_rgb8();
        let mut out = Cursor::new(Vec::new());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80 + (i / people.len()) as u8)
            .encode_image(&original)?;
        photos.push(out.into_inner());
    }
    bench.warm_up().await?;
    // The models load on the warm-up photo.
    bench.wait_count("SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL", 0).await?;
    let start = Instant::now();
    for (i, bytes) in photos.into_iter().enumerate() {
        bench.upload(&format!("people-{i}.jpg"), bytes).await?;
    }
    bench.wait_count("SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL", PHOTOS).await?;
    let wall = start.elapsed().as_secs_f64();
    let faces: i64 = sqlx::query_scalar("SELECT count(*) FROM asset_faces").fetch_one(&bench.ctx.db).await?;
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM people").fetch_one(&bench.ctx.db).await?;
    println!(
        "{PHOTOS} photos, {faces} faces, {people} people in {wall:.1} s: {:.1} photos/s, {:.0} faces/hour",
        PHOTOS as f64 / wall,
        faces as f64 / wall * 3600.0
    );
    Ok(())
}

/// A server in this process and one worker process on a fresh database.
struct Bench {
    url: String,
    http: reqwest::Client,
    token: String,
    ctx: shoebox_server::context::ApiContext,
    worker: KillOnDrop,
    _data_dir: tempfile::TempDir,
}

impl Bench {
    /// `models` (the test models' folder) is installed before the worker starts.
    async fn start(worker_env: &[(&str, &str)], models: Option<&Path>) -> anyhow::Result<Self> {
        Self::start_on(Backend::LocalDisk, worker_env, models).await
    }

    async fn start_on(backend: Backend, worker_env: &[(&str, &str)], models: Option<&Path>) -> anyhow::Result<Self> {
        let worker_bin = std::env::var("SHOEBOX_WORKER_BIN").context("SHOEBOX_WORKER_BIN")?;
        let mut config = Config::from_lookup(|_| None)?;
        let data_dir = tempfile::tempdir()?;
        config.database_url = shoebox_db::testing::fresh_database().await?;
        config.redis_url = std::env::var("SHOEBOX_TEST_REDIS_URL")?;
        config.redis_namespace = format!("bench-{}", uuid::Uuid::new_v4().simple());
        config.data_dir = data_dir.path().to_owned();
        config.log_filter = "warn".into();
        if backend == Backend::S3 {
            let (bucket, s3) = shoebox_storage::testing::test_bucket();
            config.s3 = s3;
            let prefix = format!("bench-{}", uuid::Uuid::new_v4().simple());
            config.storage = Some(shoebox_core::config::StorageLocation::S3 { bucket, prefix });
        }
        let (app, ctx) = shoebox_server::build(config.clone()).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/api", listener.local_addr()?);
        tokio::spawn(shoebox_server::serve(listener, app, std::future::pending()));
        let http = reqwest::Client::new();
        let credentials = json!({ "email": "bench@example.com", "name": "Bench", "password": "benchmark password" });
        http.post(format!("{url}/auth/admin-sign-up")).json(&credentials).send().await?.error_for_status()?;
        let login: Value = http.post(format!("{url}/auth/login")).json(&credentials).send().await?.json().await?;
        let token = login["accessToken"].as_str().unwrap_or_default().to_owned();
        if let Some(models) = models {
            for relative in ["clip/shoebox-test-clip", "facial-recognition/buffalo_s", "ocr/PP-OCRv5_mobile"] {
                if !models.join(relative).is_dir() {
                    continue;
                }
                copy_tree(&models.join(relative), &config.data_dir.join("models").join(relative))?;
            }
        }
        let mut command = std::process::Command::new(worker_bin);
        command
            .env("SHOEBOX_DATABASE_URL", &config.database_url)
            .env("SHOEBOX_REDIS_URL", &config.redis_url)
            .env("SHOEBOX_REDIS_NAMESPACE", &config.redis_namespace)
            .env("SHOEBOX_DATA_DIR", &config.data_dir)
            .env("SHOEBOX_MODEL_AUTO_PULL", "false")
            .env("SHOEBOX_LOG", "warn")
            .envs(shoebox_storage::testing::storage_env(&config));
        for (name, value) in worker_env {
            command.env(name, value);
        }
        let worker = KillOnDrop(command.spawn()?);
        Ok(Self { url, http, token, ctx, worker, _data_dir: data_dir })
    }

    /// One small photo through the whole pipeline, so the worker is up and its first-use costs
    /// (connections, decoders, models) are paid before anything is timed.
    async fn warm_up(&self) -> anyhow::Result<()> {
        let mut out = Cursor::new(Vec::new());
        image::RgbImage::from_pixel(64, 48, image::Rgb([90, 120, 150])).write_to(&mut out, image::ImageFormat::Jpeg)?;
        let id = self.upload("warm-up.jpg", out.into_inner()).await?;
        self.wait_thumbnail(&id).await
    }

    async fn upload(&self, name: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
        let form = Form::new()
            .part("assetData", Part::bytes(bytes).file_name(name.to_owned()))
            .text("fileCreatedAt", "2024-01-01T00:00:00Z")
            .text("fileModifiedAt", "2024-01-01T00:00:00Z");
        let response = self.http.post(format!("{}/assets", self.url)).bearer_auth(&self.token).multipart(form).send();
        let answer: Value = response.await?.error_for_status()?.json().await?;
        answer["id"].as_str().map(str::to_owned).context("the upload answered without an id")
    }

    async fn upload_owned(&self, name: String, bytes: Vec<u8>) -> anyhow::Result<String> {
        self.upload(&name, bytes).await
    }

    async fn wait_thumbnail(&self, id: &str) -> anyhow::Result<()> {
        let start = Instant::now();
        loop {
            let url = format!("{}/assets/{id}/thumbnail", self.url);
            if self.http.get(url).bearer_auth(&self.token).send().await?.status() == StatusCode::OK {
                return Ok(());
            }
            self.check_failures().await?;
            anyhow::ensure!(start.elapsed() < LIMIT, "no thumbnail for {id}");
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the asset's `column` in `asset_job_status` is set; returns when that was.
    async fn wait_step(&self, id: &str, column: &str) -> anyhow::Result<Duration> {
        let sql = format!("SELECT {column} IS NOT NULL FROM asset_job_status WHERE asset_id = $1::uuid");
        let start = Instant::now();
        loop {
            let done: Option<bool> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(&self.ctx.db).await?;
            if done == Some(true) {
                return Ok(start.elapsed());
            }
            self.check_failures().await?;
            anyhow::ensure!(start.elapsed() < LIMIT, "{column} never set for {id}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn wait_count(&self, sql: &'static str, want: usize) -> anyhow::Result<()> {
        let start = Instant::now();
        loop {
            let done: i64 = sqlx::query_scalar(sql).fetch_one(&self.ctx.db).await?;
            // The warm-up photo counts too.
            if done as usize > want {
                return Ok(());
            }
            self.check_failures().await?;
            anyhow::ensure!(start.elapsed() < LIMIT, "timed out with {done} of {want}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn check_failures(&self) -> anyhow::Result<()> {
        let failed: Vec<(String, String)> =
            sqlx::query_as("SELECT queue, reason FROM asset_job_failures WHERE NOT waiting_for_model LIMIT 3")
                .fetch_all(&self.ctx.db)
                .await?;
        anyhow::ensure!(failed.is_empty(), "jobs failed: {failed:?}");
        Ok(())
    }

    /// CPU seconds used so far by the worker process and by this process (the server).
    fn cpu_seconds(&self) -> anyhow::Result<(f64, f64)> {
        Ok((cpu_seconds(&format!("/proc/{}/stat", self.worker.0.id()))?, cpu_seconds("/proc/self/stat")?))
    }

    fn stop_worker(&mut self) {
        let _ = self.worker.0.kill();
        let _ = self.worker.0.wait();
    }

    fn worker_peak_memory(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.worker.0.id()))?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:")).context("VmHWM")?;
        Ok(line.split_whitespace().nth(1).context("VmHWM value")?.parse::<u64>()? * 1024)
    }
}

/// User plus system time of a process from its `/proc/<pid>/stat` (in clock ticks of 1/100 s,
/// Linux's USER_HZ).
fn cpu_seconds(stat: &str) -> anyhow::Result<f64> {
    let text = std::fs::read_to_string(stat)?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = text.rsplit_once(')').context("stat format")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let (user, system): (f64, f64) = (fields[11].parse()?, fields[12].parse()?);
    Ok((user + system) / 100.0)
}

fn percentiles(samples: &mut [Duration]) -> (f64, f64) {
    samples.sort();
    let at = |share: f64| {
        let index = ((samples.len() as f64 * share).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[index].as_secs_f64()
    };
    (at(0.50), at(0.95))
}

/// `count` photographic-looking 12 MP JPEGs (smooth gradients with noise, so they compress like
/// photos), made on every core.
fn generate(count: usize, first_seed: usize) -> Vec<Vec<u8>> {
    let cores = shoebox_core::config::available_cores();
    let mut photos: Vec<(usize, Vec<u8>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|core| {
                scope
                    .spawn(move || (core..count).step_by(cores).map(|i| (i, photo(first_seed + i))).collect::<Vec<_>>())
            })
            .collect();
        workers.into_iter().flat_map(|worker| worker.join().expect("generating photos")).collect()
    });
    photos.sort_by_key(|(i, _)| *i);
    photos.into_iter().map(|(_, photo)| photo).collect()
}

fn photo(seed: usize) -> Vec<u8> {
    let mut state = seed as u32 * 2_654_435_761 + 1;
    let image = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 24) as i32 - 12;
        let channel = |base: u32| (base as i32 + noise).clamp(0, 255) as u8;
        image::Rgb([
            channel(x * 255 / WIDTH),
            channel(y * 255 / HEIGHT),
            channel(((x + y) / 30 + seed as u32 * 40) % 256),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&image).expect("encode");
    out.into_inner()
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Stops the worker however the benchmark ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
