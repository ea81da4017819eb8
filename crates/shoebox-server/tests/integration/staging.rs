//! Staging after a crash: a real server process is killed while an upload is arriving, and the
//! restarted server removes the cut upload's staging file at once, not an hour later.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::common::{PASSWORD, TEST_REDIS_URL, jpeg};

const WHEN: &str = "2024-06-01T12:00:00.000Z";

/// A `shoebox-server` process on its own port, over a given database and data folder.
struct ServerProcess {
    child: Child,
    url: String,
}

impl ServerProcess {
    async fn start(database_url: &str, namespace: &str, data_dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_shoebox-server"))
            .env_clear()
            .env("SHOEBOX_DATABASE_URL", database_url)
            .env("SHOEBOX_REDIS_URL", std::env::var(TEST_REDIS_URL).expect("SHOEBOX_TEST_REDIS_URL"))
            .env("SHOEBOX_REDIS_NAMESPACE", namespace)
            .env("SHOEBOX_DATA_DIR", data_dir)
            .env("SHOEBOX_PORT", port.to_string())
            .env("SHOEBOX_LOG", "warn")
            .stdin(Stdio::null())
            .spawn()
            .expect("the server starts");
        let server = Self { child, url: format!("http://127.0.0.1:{port}") };
        let start = Instant::now();
        while reqwest::get(format!("{}/api/server/ping", server.url)).await.is_err() {
            assert!(start.elapsed() < Duration::from_secs(60), "the server never answered");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// SIGKILL: no destructor, no cleanup, as a crash or the OOM killer ends it.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(files_under(&path)) } else { out.push(path) }
    }
    out
}

#[tokio::test]
async fn a_crashed_servers_cut_upload_is_removed_when_it_starts_again() {
    let database_url = shoebox_db::testing::fresh_database().await.expect("test database");
    let namespace = format!("test-{}", uuid::Uuid::new_v4().simple());
    let data_dir = tempfile::tempdir().unwrap();
    let staging = data_dir.path().join("tmp");

    let server = ServerProcess::start(&database_url, &namespace, data_dir.path()).await;
    let http = reqwest::Client::new();
    let sign_up = json!({ "email": "admin@example.com", "name": "Admin", "password": PASSWORD });
    http.post(format!("{}/api/auth/admin-sign-up", server.url)).json(&sign_up).send().await.unwrap();
    let login = json!({ "email": "admin@example.com", "password": PASSWORD });
    let login: Value =
        http.post(format!("{}/api/auth/login", server.url)).json(&login).send().await.unwrap().json().await.unwrap();
    let token = login["accessToken"].as_str().unwrap().to_owned();

    // A body length promising much more than is sent: the upload is still arriving.
    let photo = jpeg(3);
    let boundary = "shoeboxboundary";
    let mut body = Vec::new();
    for (name, value) in [("fileCreatedAt", WHEN), ("fileModifiedAt", WHEN)] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"cut.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .bytes(),
    );
    // A photo and more bytes after it: past the first 8 KiB the server reads to learn the
    // type, so the upload is being written to storage.
    body.extend_from_slice(&photo);
    body.extend(std::iter::repeat_n(0xAB_u8, 20_000));
    let host = server.url.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST /api/assets HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len() + 10_000_000
    );
    let mut socket = tokio::net::TcpStream::connect(&host).await.unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&body).await.unwrap();
    socket.flush().await.unwrap();
    let start = Instant::now();
    while !files_under(&staging).iter().any(|f| std::fs::metadata(f).is_ok_and(|m| m.len() > 0)) {
        assert!(start.elapsed() < Duration::from_secs(30), "the upload never reached staging");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    server.kill();
    drop(socket);
    let left = files_under(&staging);
    assert_eq!(left.len(), 1, "the crash leaves the cut upload's staging file: {left:?}");

    let restarted = ServerProcess::start(&database_url, &namespace, data_dir.path()).await;
    assert!(!left[0].exists(), "the restarted server removed {} at once", left[0].display());
    assert!(files_under(&staging).is_empty(), "{:?}", files_under(&staging));
    restarted.kill();
}
