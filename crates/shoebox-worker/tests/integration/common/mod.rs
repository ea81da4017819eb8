//! The whole pipeline for tests: a real server (in this process), real worker processes,
//! the real Postgres and Redis started by `deploy/local/test` (or a Redis of the test's own, to
//! flush or stop), and real media fixtures.

#![allow(dead_code)]

mod own_redis;
mod worker_metrics;

pub use own_redis::OwnRedis;
pub use worker_metrics::{free_port, metric, scrape, wait_until_up};

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shoebox_core::Config;
use shoebox_server::context::ApiContext;

pub struct Stack {
    pub url: String,
    pub http: Client,
    pub ctx: ApiContext,
    pub data_dir: tempfile::TempDir,
    pub config: Config,
    pub token: String,
    workers: Vec<Child>,
}

pub fn fixtures() -> PathBuf {
    PathBuf::from(std::env::var("SHOEBOX_FIXTURES_DIR").expect(
        "SHOEBOX_FIXTURES_DIR is not set: run the tests through deploy/local/test (deploy/local/fixtures fetches them)",
    ))
}

/// How a test's stack differs from the usual one.
#[derive(Debug, Default)]
pub struct Options {
    /// Reverse geocoding from the GeoNames fixture.
    pub with_places: bool,
    /// A Redis of the test's own (see [`OwnRedis`]) instead of the shared one.
    pub redis_url: Option<String>,
}

/// A test's settings on a database of its own, with the schema only when `migrated`.
pub async fn test_config(options: &Options, migrated: bool) -> (Config, tempfile::TempDir) {
    let database_url = if migrated {
        shoebox_db::testing::fresh_database().await.expect("test database")
    } else {
        shoebox_db::testing::empty_database().await.expect("test database")
    };
    let mut config = Config::from_lookup(|_| None).unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    config.database_url = database_url;
    config.redis_url = options.redis_url.clone().unwrap_or_else(|| {
        std::env::var("SHOEBOX_TEST_REDIS_URL").expect("SHOEBOX_TEST_REDIS_URL (run deploy/local/test)")
    });
    config.redis_namespace = format!("test-{}", uuid::Uuid::new_v4().simple());
    config.data_dir = data_dir.path().to_owned();
    config.log_filter = "warn".into();
    config.worker_heartbeat = Duration::from_secs(1);
    if options.with_places {
        config.geodata_path = Some(fixtures().join("geo/rg_cities1000.csv"));
    }
    // Models live in the test's own folder, empty until `install_models`; nothing downloads.
    config.ml.models_dir = data_dir.path().join("models");
    config.ml.onnxruntime_path = std::env::var_os("SHOEBOX_ONNXRUNTIME_PATH").map(PathBuf::from);
    config.ml.clip_model = TEST_CLIP_MODEL.into();
    config.ml.face_model = TEST_FACE_MODEL.into();
    config.ml.ocr.model = TEST_OCR_MODEL.into();
    config.ml.auto_pull = false;
    config.ml.model_poll = Duration::from_secs(1);
    shoebox_storage::testing::use_test_storage(&mut config);
    config.backup.time = None;
    config.backup.scrub_time = None;
    // deploy/local/test names PostgreSQL's own tools, of the test server's version.
    for (setting, tool) in [("SHOEBOX_PG_DUMP", &mut config.backup.pg_dump), ("SHOEBOX_PG_RESTORE", &mut config.backup.pg_restore)] {
        if let Some(path) = std::env::var_os(setting) {
            *tool = PathBuf::from(path);
        }
    }
    (config, data_dir)
}

/// The command that runs a worker process with `config`'s settings.
pub fn worker_command(config: &Config) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shoebox-worker"));
    command
        .env_clear()
        .env("SHOEBOX_DATABASE_URL", &config.database_url)
        .env("SHOEBOX_REDIS_URL", &config.redis_url)
        .env("SHOEBOX_REDIS_NAMESPACE", &config.redis_namespace)
        .env("SHOEBOX_DATA_DIR", &config.data_dir)
        .env("SHOEBOX_WORKER_HEARTBEAT_SECS", "1")
        .env("SHOEBOX_LOG", "warn")
        .env("SHOEBOX_MODELS_DIR", &config.ml.models_dir)
        .env("SHOEBOX_CLIP_MODEL", &config.ml.clip_model)
        .env("SHOEBOX_FACE_MODEL", &config.ml.face_model)
        .env("SHOEBOX_OCR_MODEL", &config.ml.ocr.model)
        .env("SHOEBOX_MODEL_AUTO_PULL", "false")
        .env("SHOEBOX_MODEL_POLL_SECS", "1");
    command.envs(shoebox_storage::testing::storage_env(config));
    // Nightly runs never start by themselves in a test; a test asks for them.
    let time = |time: Option<chrono::NaiveTime>| time.map_or("off".to_owned(), |time| time.format("%H:%M").to_string());
    command
        .env("SHOEBOX_BACKUP_TIME", time(config.backup.time))
        .env("SHOEBOX_SCRUB_TIME", time(config.backup.scrub_time))
        .env("SHOEBOX_PG_DUMP", &config.backup.pg_dump)
        .env("SHOEBOX_PG_RESTORE", &config.backup.pg_restore)
        .env("SHOEBOX_MAINTENANCE_POLL_SECS", "0.5");
    if let Some(target) = &config.backup.target {
        command.env("SHOEBOX_BACKUP_TARGET", target.to_string());
    }
    if let Some(path) = &config.ml.onnxruntime_path {
        command.env("SHOEBOX_ONNXRUNTIME_PATH", path);
    }
    if let Some(path) = &config.geodata_path {
        command.env("SHOEBOX_GEODATA_PATH", path);
    }
    command
}

impl Stack {
    /// A server with a signed-in admin; no worker runs until `start_worker`.
    pub async fn start(with_places: bool) -> Self {
        Self::start_with(Options { with_places, ..Options::default() }).await
    }

    pub async fn start_with(options: Options) -> Self {
        let (config, data_dir) = test_config(&options, true).await;
        Self::serve(config, data_dir, Vec::new()).await
    }

    /// Starts the server for `config` (migrating its database), beside `workers` already running.
    pub async fn serve(config: Config, data_dir: tempfile::TempDir, workers: Vec<Child>) -> Self {
        let (app, ctx) = shoebox_server::build(config.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(shoebox_server::serve(listener, app, std::future::pending()));
        let http = Client::new();
        let password = "correct horse battery";
        let sign_up = http
            .post(format!("{url}/api/auth/admin-sign-up"))
            .json(&json!({ "email": "admin@example.com", "name": "Admin", "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(sign_up.status(), StatusCode::CREATED);
        let login: Value = http
            .post(format!("{url}/api/auth/login"))
            .json(&json!({ "email": "admin@example.com", "password": password }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["accessToken"].as_str().unwrap().to_owned();
        Self { url, http, ctx, data_dir, config, token, workers }
    }

    /// A second server of the same installation (database, data folder, Redis namespace);
    /// returns its URL.
    pub async fn second_server(&self) -> String {
        self.server_for(self.config.clone()).await
    }

    /// Another server on this installation's database and Redis with `config`'s settings (its
    /// storage, say); returns its URL.
    pub async fn server_for(&self, config: Config) -> String {
        let (app, _ctx) = shoebox_server::build(config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(shoebox_server::serve(listener, app, std::future::pending()));
        url
    }

    fn worker_command(&self) -> Command {
        worker_command(&self.config)
    }

    /// Starts a worker process; returns its index for `kill_worker`.
    pub fn start_worker(&mut self) -> usize {
        let child = self.worker_command().stdin(Stdio::null()).spawn().expect("worker starts");
        self.workers.push(child);
        self.workers.len() - 1
    }

    /// Starts a worker with some settings changed (`None` unsets one, so its default applies),
    /// its output written to `log` when given; returns its index.
    pub fn start_worker_with(&mut self, settings: &[(&str, Option<&str>)], log: Option<&std::path::Path>) -> usize {
        let mut command = self.worker_command();
        for (name, value) in settings {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        if let Some(log) = log {
            let file = std::fs::File::create(log).unwrap();
            command.stdout(file.try_clone().unwrap()).stderr(file);
        }
        let child = command.stdin(Stdio::null()).spawn().expect("worker starts");
        self.workers.push(child);
        self.workers.len() - 1
    }

    /// The most memory a running worker process has held so far (VmHWM, its peak resident set).
    pub fn worker_peak_memory(&self, index: usize) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.workers[index].id())).unwrap();
        let line = status.lines().find(|line| line.starts_with("VmHWM:")).expect("VmHWM in /proc/<pid>/status");
        let kilobytes: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kilobytes * 1024
    }

    /// Whether a worker process is still running.
    pub fn worker_alive(&mut self, index: usize) -> bool {
        self.workers[index].try_wait().unwrap().is_none()
    }

    /// SIGTERM, as a service manager stops it; returns how the worker exited and how long it
    /// took (at most `limit`).
    pub async fn stop_worker(&mut self, index: usize, limit: Duration) -> (std::process::ExitStatus, Duration) {
        let pid = self.workers[index].id().to_string();
        let start = Instant::now();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        loop {
            if let Some(status) = self.workers[index].try_wait().unwrap() {
                return (status, start.elapsed());
            }
            assert!(start.elapsed() < limit, "the worker did not stop within {limit:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: the worker gets no chance to clean up.
    pub fn kill_worker(&mut self, index: usize) {
        self.workers[index].kill().unwrap();
        self.workers[index].wait().unwrap();
    }

    /// Runs `shoebox-worker ARGS` to completion and returns what it printed.
    pub fn worker_cli(&self, args: &[&str]) -> String {
        let output = self.worker_command().args(args).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api{path}", self.url)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.api(path)).bearer_auth(&self.token).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    /// `PUT /api/jobs/{queue}` `start`, for the assets whose step has not run, or with `force`
    /// for all, as an admin starts it from the jobs page.
    pub async fn start_job(&self, queue: &str, force: bool) {
        let response = self
            .http
            .put(self.api(&format!("/jobs/{queue}")))
            .bearer_auth(&self.token)
            .json(&json!({ "command": "start", "force": force }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "starting {queue}");
    }

    /// A new user made by the admin, and their access token.
    pub async fn user(&self, email: &str) -> String {
        const PASSWORD: &str = "another user's password";
        let created = self
            .http
            .post(self.api("/admin/users"))
            .bearer_auth(&self.token)
            .json(&json!({ "email": email, "name": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "creating {email}");
        let login = self.http.post(self.api("/auth/login")).json(&json!({ "email": email, "password": PASSWORD }));
        let login: Value = login.send().await.unwrap().json().await.unwrap();
        login["accessToken"].as_str().unwrap_or_else(|| panic!("{email} cannot sign in: {login}")).to_owned()
    }

    pub async fn upload_bytes(&self, name: &str, bytes: Vec<u8>) -> String {
        self.upload_bytes_as(&self.token, name, bytes).await
    }

    /// An upload by the user whose token this is.
    pub async fn upload_bytes_as(&self, token: &str, name: &str, bytes: Vec<u8>) -> String {
        let form = Form::new()
            .part("assetData", Part::bytes(bytes).file_name(name.to_owned()))
            .text("fileCreatedAt", "2020-01-01T00:00:00.000Z")
            .text("fileModifiedAt", "2020-01-01T00:00:00.000Z");
        let response =
            self.http.post(self.api("/assets")).bearer_auth(token).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "uploading {name}");
        response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
    }

    pub async fn upload_fixture(&self, relative: &str) -> String {
        let path = fixtures().join(relative);
        let bytes = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        self.upload_bytes(&name, bytes).await
    }

    /// How many assets have passed the thumbnail step, and how many failed one.
    pub async fn progress(&self) -> (i64, i64) {
        let done: i64 =
            sqlx::query_scalar("SELECT count(*) FROM asset_job_status WHERE thumbnails_generated_at IS NOT NULL")
                .fetch_one(&self.ctx.db)
                .await
                .unwrap();
        let failed: i64 =
            sqlx::query_scalar("SELECT count(DISTINCT asset_id) FROM asset_job_failures WHERE NOT waiting_for_model")
                .fetch_one(&self.ctx.db)
                .await
                .unwrap();
        (done, failed)
    }

    /// Waits until `done` assets have thumbnails and `failed` assets have failed a step.
    pub async fn wait_for(&self, done: i64, failed: i64, limit: Duration) {
        let start = Instant::now();
        loop {
            let now = self.progress().await;
            if now.0 >= done && now.1 >= failed {
                return;
            }
            assert!(start.elapsed() < limit, "after {limit:?}: {now:?} of ({done}, {failed}) processed/failed");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Stack {
    /// Waits until the video step has run for an asset.
    pub async fn wait_video(&self, id: &str) {
        let start = Instant::now();
        loop {
            let done: Option<bool> = sqlx::query_scalar(
                "SELECT video_encoded_at IS NOT NULL FROM asset_job_status WHERE asset_id = $1::uuid",
            )
            .bind(id)
            .fetch_optional(&self.ctx.db)
            .await
            .unwrap();
            if done == Some(true) {
                return;
            }
            let failure: Option<String> =
                sqlx::query_scalar("SELECT reason FROM asset_job_failures WHERE asset_id = $1::uuid AND NOT waiting_for_model")
                    .bind(id)
                    .fetch_optional(&self.ctx.db)
                    .await
                    .unwrap();
            assert!(failure.is_none(), "video step failed: {failure:?}");
            assert!(start.elapsed() < Duration::from_secs(240), "video step did not finish");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// Copies the test models into a models folder (a worker machine's own, say).
pub fn install_models_into(target: &std::path::Path) {
    let source = test_models();
    for relative in [format!("clip/{TEST_CLIP_MODEL}"), format!("facial-recognition/{TEST_FACE_MODEL}")] {
        let to = target.join(&relative);
        let staging = target.join(format!("{relative}.partial"));
        copy_tree(&source.join(&relative), &staging);
        std::fs::rename(&staging, &to).unwrap();
    }
}

/// The models `deploy/local/clip-test-model` builds: the tiny colour CLIP and the real face models.
pub const TEST_CLIP_MODEL: &str = "shoebox-test-clip";
pub const TEST_FACE_MODEL: &str = "buffalo_s";
/// The real PP-OCRv5 mobile models, installed only by tests that read text ([`Stack::install_ocr_model`]):
/// elsewhere the OCR step waits for its model and costs nothing.
pub const TEST_OCR_MODEL: &str = "PP-OCRv5_mobile";

/// Where `deploy/local/clip-test-model` put the test models.
pub fn test_models() -> PathBuf {
    PathBuf::from(std::env::var("SHOEBOX_TEST_MODELS_DIR").expect(
        "SHOEBOX_TEST_MODELS_DIR is not set: run `export SHOEBOX_TEST_MODELS_DIR=$(deploy/local/clip-test-model)`",
    ))
}

impl Stack {
    /// Copies the test models into this stack's models folder; each appears at once (copied
    /// beside it, then renamed), as a finished download would.
    pub fn install_models(&self) {
        install_models_into(&self.config.ml.models_dir);
    }

    /// Copies the OCR model into this stack's models folder, as [`Self::install_models`] does.
    pub fn install_ocr_model(&self) {
        let relative = format!("ocr/{TEST_OCR_MODEL}");
        let to = self.config.ml.models_dir.join(&relative);
        let staging = self.config.ml.models_dir.join(format!("{relative}.partial"));
        copy_tree(&test_models().join(&relative), &staging);
        std::fs::rename(&staging, &to).unwrap();
    }

    /// Runs `sql` (one number) until it yields at least `want`, or fails after `limit`.
    pub async fn wait_count(&self, sql: &'static str, want: i64, limit: Duration) {
        let start = Instant::now();
        loop {
            let now: i64 = sqlx::query_scalar(sql).fetch_one(&self.ctx.db).await.unwrap();
            if now >= want {
                return;
            }
            assert!(start.elapsed() < limit, "after {limit:?}: {sql} = {now}, want {want}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// Copies a folder, following links (the test face models are links to the fixtures).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|err| panic!("{}: {err}", from.display())) {
        let entry = entry.unwrap();
        let path = entry.path();
        if std::fs::metadata(&path).unwrap().is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.ctx.live.close();
        for worker in &mut self.workers {
            let _ = worker.kill();
            let _ = worker.wait();
        }
    }
}

/// A small real JPEG, different for every `seed`.
pub fn jpeg(seed: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([(seed % 256) as u8, (x % 256) as u8, ((y + seed / 256) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}
