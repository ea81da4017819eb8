//! A real Shoebox server for integration tests: its own fresh database on the Postgres that
//! `deploy/local/test` starts, its own Redis namespace, its own data folder, on a free port.

#![allow(dead_code)]

pub mod socketio;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use reqwest::multipart::{Form, Part};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use shoebox_core::Config;
use shoebox_server::context::ApiContext;

pub const TEST_REDIS_URL: &str = "SHOEBOX_TEST_REDIS_URL";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestServer {
    pub url: String,
    pub http: Client,
    pub ctx: ApiContext,
    pub data_dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let database_url = shoebox_db::testing::fresh_database().await.expect("test database");
        let redis_url = std::env::var(TEST_REDIS_URL)
            .unwrap_or_else(|_| panic!("{TEST_REDIS_URL} is not set: run the tests through deploy/local/test"));
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let mut config = Config::from_lookup(|_| None).expect("default config");
        config.database_url = database_url;
        config.redis_url = redis_url;
        config.redis_namespace = format!("test-{}", uuid::Uuid::new_v4().simple());
        config.data_dir = data_dir.path().to_owned();
        config.log_filter = "warn".into();
        shoebox_storage::testing::use_test_storage(&mut config);
        adjust(&mut config);
        let (app, ctx) = shoebox_server::build(config).await.expect("server builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(shoebox_server::serve(listener, app, std::future::pending()));
        Self { url, http: Client::new(), ctx, data_dir }
    }

    /// A second server of the same installation: same database, data folder and Redis
    /// namespace, as when several servers run behind one load balancer.
    pub async fn beside(&self) -> Self {
        let config = (*self.ctx.config).clone();
        let (app, ctx) = shoebox_server::build(config).await.expect("second server builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(shoebox_server::serve(listener, app, std::future::pending()));
        // The folder is the first server's; this one only owns an empty stand-in.
        Self { url, http: Client::new(), ctx, data_dir: tempfile::tempdir().unwrap() }
    }

    /// Logs in and returns the `Cookie` header the login's `Set-Cookie` makes, as the app sends it.
    pub async fn login_cookie(&self, email: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.api("/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let pairs: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|value| value.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect();
        assert!(pairs.iter().any(|pair| pair.starts_with("immich_access_token=")), "{pairs:?}");
        pairs.join("; ")
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api{path}", self.url)
    }

    /// Signs up the first admin and logs in; returns a session token.
    pub async fn admin(&self) -> String {
        let response = self
            .http
            .post(self.api("/auth/admin-sign-up"))
            .json(&json!({ "email": "admin@example.com", "name": "Admin", "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
        self.login("admin@example.com", PASSWORD).await
    }

    /// Has the admin create a user and logs in as them; returns a session token.
    pub async fn user(&self, admin_token: &str, email: &str) -> String {
        let response = self
            .http
            .post(self.api("/admin/users"))
            .bearer_auth(admin_token)
            .json(&json!({ "email": email, "name": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
        self.login(email, PASSWORD).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.api("/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
        let body: Value = response.json().await.unwrap();
        body["accessToken"].as_str().unwrap().to_owned()
    }

    /// Uploads `bytes` the way the Immich CLI does.
    pub async fn upload(&self, token: &str, name: &str, bytes: Vec<u8>, created_at: &str) -> Response {
        let form = Form::new()
            .part("assetData", Part::bytes(bytes).file_name(name.to_owned()))
            .text("fileCreatedAt", created_at.to_owned())
            .text("fileModifiedAt", created_at.to_owned())
            .text("isFavorite", "false")
            .text("deviceAssetId", format!("{name}-1"))
            .text("deviceId", "tests");
        self.http.post(self.api("/assets")).bearer_auth(token).multipart(form).send().await.unwrap()
    }

    /// Uploads and returns the new asset's id, insisting it was created.
    pub async fn upload_new(&self, token: &str, name: &str, bytes: Vec<u8>, created_at: &str) -> String {
        let response = self.upload(token, name, bytes, created_at).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "created");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Creates an API key with `permissions`; returns its id and secret.
    pub async fn api_key(&self, token: &str, permissions: &[&str]) -> (String, String) {
        let response = self
            .http
            .post(self.api("/api-keys"))
            .bearer_auth(token)
            .json(&json!({ "name": "cli", "permissions": permissions }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        (body["apiKey"]["id"].as_str().unwrap().to_owned(), body["secret"].as_str().unwrap().to_owned())
    }

    /// Calls the API as the token's user, with `body` (if any) as JSON.
    pub async fn send(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self.http.request(method, self.api(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// `GET` with a `Range` header (`bytes=10-19`), as players and resuming downloads send it.
    pub async fn get_range(&self, token: &str, path: &str, range: &str) -> Response {
        self.http.get(self.api(path)).bearer_auth(token).header("range", range).send().await.unwrap()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.http.get(self.api(path)).bearer_auth(token).send().await.unwrap()
    }

    /// The key of every original (and sidecar) in storage, on whichever backend it is.
    pub async fn stored_originals(&self) -> Vec<String> {
        use futures::TryStreamExt;
        let listed: Vec<_> = self.ctx.storage.list("upload/").try_collect().await.unwrap();
        listed.into_iter().map(|listed| listed.key.into_string()).collect()
    }

    /// Files left in the data folder's staging and scratch space (`tmp/`).
    pub fn staging_files(&self) -> Vec<PathBuf> {
        files_under(&self.data_dir.path().join("tmp"))
    }

    /// Stores a file as the worker would, under `key`, on the installation's storage.
    pub async fn store_file(&self, key: &str, bytes: Vec<u8>) {
        let key = shoebox_storage::Key::parse(key).unwrap();
        self.ctx.storage.put(&key, bytes, shoebox_storage::WriteMode::Replace).await.unwrap();
    }

    pub async fn asset_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM assets").fetch_one(&self.ctx.db).await.unwrap()
    }
}

impl Drop for TestServer {
    /// Frees the server's database connections once the test is over.
    fn drop(&mut self) {
        self.ctx.live.close();
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(files_under(&path)) } else { out.push(path) }
    }
    out
}

/// A real JPEG of one colour, different for every `seed`.
pub fn jpeg(seed: u8) -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([seed, (x * 4) as u8, (y * 5) as u8]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// Asserts an Immich-shaped JSON error with `status` and returns its message.
pub async fn expect_error(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "content-type {content_type}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["statusCode"], status.as_u16());
    body["message"].as_str().expect("message").to_owned()
}
