//! Backups, a verified restore and the scrub, with the real tools (pg_dump, pg_restore, the
//! worker) and checked through the API: a library with photos, a video, albums (one shared), a
//! named person and a partner is backed up, backed up again after 5 new uploads (which copies
//! only those 5), restored onto an empty database and data folder, and comes back with the same
//! originals, albums, members, people and partner. Then the scrub finds a flipped byte and a lost
//! file on the restored library, a repair from the backup mends both, and a backup that cannot
//! run tells the admins.

use crate::common;

use std::time::{Duration, Instant};

use common::{Stack, jpeg, worker_command};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use shoebox_core::config::StorageLocation;
use shoebox_storage::{Key, WriteMode};

const LIMIT: Duration = Duration::from_secs(300);
const PASSWORD: &str = "correct horse battery";

/// A signed-in caller of one server.
struct Caller {
    http: Client,
    url: String,
    token: String,
}

impl Caller {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let request = self.http.request(method, format!("{}/api{path}", self.url)).bearer_auth(&self.token);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        request.send().await.unwrap()
    }

    async fn json(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let response = self.send(method.clone(), path, body).await;
        assert!(response.status().is_success(), "{method} {path}: {}", response.status());
        response.json().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        self.json(reqwest::Method::GET, path, None).await
    }
}

async fn login(http: &Client, url: &str, email: &str) -> String {
    let login: Value = http
        .post(format!("{url}/api/auth/login"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["accessToken"].as_str().unwrap_or_else(|| panic!("{email} cannot sign in: {login}")).to_owned()
}

/// Asks for a run and waits until it has finished; returns the finished run.
async fn run_to_the_end(admin: &Caller, path: &str, body: Value) -> Value {
    let started = admin.send(reqwest::Method::POST, path, Some(body)).await;
    assert_eq!(started.status(), StatusCode::CREATED, "POST {path}");
    let id = started.json::<Value>().await.unwrap()["id"].clone();
    let start = Instant::now();
    loop {
        let status = admin.get(path).await;
        if status["last"]["id"] == id {
            return status["last"].clone();
        }
        assert!(start.elapsed() < LIMIT, "the run {id} did not finish: {status}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// What a user sees of the library: each asset's original SHA-1, the albums with their assets
/// and members, the people's names, and the partners.
async fn library(caller: &Caller, bob: &Caller) -> Value {
    let mut assets = Vec::new();
    let buckets = caller.get("/timeline/buckets").await;
    for bucket in buckets.as_array().unwrap() {
        let day = bucket["timeBucket"].as_str().unwrap();
        let in_bucket = caller.get(&format!("/timeline/bucket?timeBucket={day}")).await;
        for id in in_bucket["id"].as_array().unwrap() {
            let id = id.as_str().unwrap();
            let original = caller.send(reqwest::Method::GET, &format!("/assets/{id}/original"), None).await;
            assert_eq!(original.status(), StatusCode::OK, "the original of {id}");
            assets.push(json!([id, hex::encode(Sha1::digest(original.bytes().await.unwrap()))]));
        }
    }
    assets.sort_by_key(|asset| asset[0].as_str().unwrap().to_owned());
    let mut albums: Vec<Value> = caller
        .get("/albums")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|album| {
            let members: Vec<Value> = album["albumUsers"].as_array().unwrap().iter().map(|m| json!([m["user"]["email"], m["role"]])).collect();
            json!({ "name": album["albumName"], "assets": album["assetCount"], "members": members })
        })
        .collect();
    albums.sort_by_key(|album| album["name"].as_str().unwrap().to_owned());
    let mut people: Vec<String> = caller.get("/people").await["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|person| person["name"].as_str().unwrap().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    people.sort();
    let shared_with_bob: Vec<Value> =
        bob.get("/partners?direction=shared-with").await.as_array().unwrap().iter().map(|p| p["email"].clone()).collect();
    let bobs_albums: Vec<Value> = bob.get("/albums?shared=true").await.as_array().unwrap().iter().map(|a| a["albumName"].clone()).collect();
    json!({ "assets": assets, "albums": albums, "people": people, "partnersOfBob": shared_with_bob, "bobsSharedAlbums": bobs_albums })
}

#[tokio::test]
async fn a_backup_restored_onto_an_empty_installation_gives_back_the_same_library() {
    let (mut config, data_dir) = common::test_config(&common::Options::default(), true).await;
    let backups = tempfile::tempdir().unwrap();
    config.backup.target = Some(StorageLocation::Local(backups.path().to_owned()));
    let mut stack = Stack::serve(config.clone(), data_dir, Vec::new()).await;
    stack.install_models();
    let admin = Caller { http: stack.http.clone(), url: stack.url.clone(), token: stack.token.clone() };

    let mut ids = Vec::new();
    for fixture in ["photos/obama.jpg", "photos/obama2.jpg", "photos/obama3.jpg", "photos/pug.heic", "video/bikes.mp4"] {
        ids.push(stack.upload_fixture(fixture).await);
    }
    for seed in 0..4 {
        ids.push(stack.upload_bytes(&format!("small-{seed}.jpg"), jpeg(300 + seed)).await);
    }
    let total = ids.len() as i64;
    stack.start_worker();
    stack.wait_for(total, 0, LIMIT).await;
    stack.wait_count("SELECT count(*) FROM people WHERE thumbnail_path IS NOT NULL", 1, LIMIT).await;

    // People, albums (one shared with Bob) and a partner.
    let person = admin.get("/people").await["people"][0]["id"].as_str().unwrap().to_owned();
    admin.json(reqwest::Method::PUT, &format!("/people/{person}"), Some(json!({ "name": "Barack" }))).await;
    let bob = admin
        .json(reqwest::Method::POST, "/admin/users", Some(json!({ "email": "bob@example.com", "name": "Bob", "password": PASSWORD })))
        .await;
    let bob_id = bob["id"].as_str().unwrap().to_owned();
    admin
        .json(
            reqwest::Method::POST,
            "/albums",
            Some(json!({ "albumName": "Trip", "assetIds": &ids[..3], "albumUsers": [{ "userId": bob_id, "role": "editor" }] })),
        )
        .await;
    admin.json(reqwest::Method::POST, "/albums", Some(json!({ "albumName": "Pug", "assetIds": [ids[3]] }))).await;
    admin.json(reqwest::Method::POST, &format!("/partners/{bob_id}"), None).await;
    let bob = Caller { http: stack.http.clone(), url: stack.url.clone(), token: login(&stack.http, &stack.url, "bob@example.com").await };

    let first = run_to_the_end(&admin, "/admin/backups", json!({})).await;
    assert_eq!(first["status"], "completed", "{first}");
    assert_eq!(first["result"]["originals"], total);
    assert_eq!(first["result"]["copiedFiles"], total, "{first}");
    assert_eq!(first["result"]["missing"], 0);

    // Five new uploads: the second backup copies those five and no other original.
    for seed in 0..5 {
        ids.push(stack.upload_bytes(&format!("new-{seed}.jpg"), jpeg(400 + seed)).await);
    }
    let total = ids.len() as i64;
    stack.wait_for(total, 0, LIMIT).await;
    let second = run_to_the_end(&admin, "/admin/backups", json!({})).await;
    assert_eq!(second["status"], "completed", "{second}");
    assert_eq!(second["result"]["copiedFiles"], 5, "{second}");
    assert_eq!(second["result"]["reusedFiles"], total - 5, "{second}");
    let listed = admin.get("/admin/backups").await;
    assert_eq!(listed["backups"].as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(listed["backups"][0]["originals"], total);
    assert_eq!(listed["settings"]["enabled"], true);
    let objects = walkdir_count(&backups.path().join("objects"));
    assert_eq!(objects as i64, total, "every original is stored once in the target");

    let before = library(&admin, &bob).await;
    assert_eq!(before["people"], json!(["Barack"]));
    assert_eq!(before["bobsSharedAlbums"], json!(["Trip"]));

    // Onto an empty database and an empty data folder (and bucket prefix, on S3).
    let (mut fresh, fresh_dir) = common::test_config(&common::Options::default(), false).await;
    fresh.backup.target = config.backup.target.clone();
    let restored = worker_command(&fresh).args(["backup", "restore", &backups.path().display().to_string()]).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&restored.stdout), String::from_utf8_lossy(&restored.stderr));
    assert!(restored.status.success(), "restore failed:\n{report}");
    assert!(report.contains(&format!("files put back and matching their SHA-1: {total} ")), "{report}");
    assert!(report.contains("failed the check: 0"), "{report}");
    // A second restore onto the now full installation is refused.
    let again = worker_command(&fresh).args(["backup", "restore", &backups.path().display().to_string()]).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a library"));

    let (app, ctx) = shoebox_server::build(fresh.clone()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(shoebox_server::serve(listener, app, std::future::pending()));
    let http = Client::new();
    let admin2 = Caller { http: http.clone(), url: url.clone(), token: login(&http, &url, "admin@example.com").await };
    let bob2 = Caller { http: http.clone(), url: url.clone(), token: login(&http, &url, "bob@example.com").await };
    common::install_models_into(&fresh.ml.models_dir);
    let mut worker = worker_command(&fresh).stdin(std::process::Stdio::null()).spawn().unwrap();
    // The worker makes every thumbnail and the person's crop again.
    let start = Instant::now();
    loop {
        let made: i64 = sqlx::query_scalar("SELECT count(*) FROM asset_job_status WHERE thumbnails_generated_at IS NOT NULL")
            .fetch_one(&ctx.db)
            .await
            .unwrap();
        let crops: i64 = sqlx::query_scalar("SELECT count(*) FROM people WHERE thumbnail_path IS NOT NULL").fetch_one(&ctx.db).await.unwrap();
        if made == total && crops >= 1 {
            break;
        }
        assert!(start.elapsed() < LIMIT, "after the restore {made} of {total} thumbnails and {crops} crops were made");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let after = library(&admin2, &bob2).await;
    assert_eq!(after, before, "the restored library is the one backed up");
    for id in &ids {
        let thumbnail = admin2.send(reqwest::Method::GET, &format!("/assets/{id}/thumbnail"), None).await;
        assert_eq!(thumbnail.status(), StatusCode::OK, "the thumbnail of {id} after the restore");
    }
    let crop = admin2.send(reqwest::Method::GET, &format!("/people/{person}/thumbnail"), None).await;
    assert_eq!(crop.status(), StatusCode::OK);

    // The scrub: one original with a byte flipped, one gone.
    let storage = shoebox_storage::open(&fresh.storage()).unwrap();
    let rows: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("SELECT id, original_path FROM assets WHERE original_file_name LIKE 'small-%' ORDER BY original_file_name LIMIT 2")
            .fetch_all(&ctx.db)
            .await
            .unwrap();
    let (flipped, flipped_key) = (&rows[0].0, Key::parse(rows[0].1.as_str()).unwrap());
    let (lost, lost_key) = (&rows[1].0, Key::parse(rows[1].1.as_str()).unwrap());
    let mut bytes = read(&storage, &flipped_key).await;
    let good = hex::encode(Sha1::digest(&bytes));
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    storage.put(&flipped_key, bytes, WriteMode::Replace).await.unwrap();
    storage.delete(&lost_key).await.unwrap();

    let scrub = run_to_the_end(&admin2, "/admin/scrub", json!({ "all": true })).await;
    assert_eq!(scrub["status"], "completed", "{scrub}");
    assert_eq!(scrub["result"]["read"], total);
    assert_eq!(scrub["result"]["mismatched"], 1, "{scrub}");
    assert_eq!(scrub["result"]["missing"], 1, "{scrub}");
    let findings = admin2.get("/admin/scrub").await["findings"].clone();
    let problem_of = |id: &uuid::Uuid| findings.as_array().unwrap().iter().find(|f| f["assetId"] == id.to_string()).cloned();
    assert_eq!(problem_of(flipped).unwrap()["problem"], "mismatch");
    assert_eq!(problem_of(flipped).unwrap()["restorable"], true);
    assert_eq!(problem_of(lost).unwrap()["problem"], "missing");
    let bell = admin2.get("/notifications").await;
    assert!(bell.as_array().unwrap().iter().any(|n| n["title"] == "2 originals are damaged or missing"), "{bell}");

    for id in [flipped, lost] {
        let repaired = admin2.json(reqwest::Method::POST, &format!("/admin/scrub/{id}/repair"), None).await;
        assert!(repaired["restoredFrom"].as_str().unwrap().starts_with("objects/"));
    }
    assert_eq!(hex::encode(Sha1::digest(read(&storage, &flipped_key).await)), good);
    assert!(admin2.get("/admin/scrub").await["findings"].as_array().unwrap().is_empty());
    let none = admin2.send(reqwest::Method::POST, &format!("/admin/scrub/{flipped}/repair"), None).await;
    assert_eq!(none.status(), StatusCode::NOT_FOUND);

    // A backup that cannot run (pg_dump is not there) fails with its reason and tells the admins.
    worker.kill().unwrap();
    worker.wait().unwrap();
    let mut broken = fresh.clone();
    broken.backup.pg_dump = "/nonexistent/pg_dump".into();
    let mut worker = worker_command(&broken).stdin(std::process::Stdio::null()).spawn().unwrap();
    let failed = run_to_the_end(&admin2, "/admin/backups", json!({})).await;
    assert_eq!(failed["status"], "failed");
    assert!(failed["error"].as_str().unwrap().contains("SHOEBOX_PG_DUMP"), "{failed}");
    let bell = admin2.get("/notifications?type=BackupFailed").await;
    assert_eq!(bell[0]["level"], "error", "{bell}");
    assert_eq!(bell[0]["title"], "Backup failed");
    worker.kill().unwrap();
    worker.wait().unwrap();
    drop((fresh_dir, stack));
}

async fn read(storage: &shoebox_storage::Storage, key: &Key) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut read = storage.read(key, None).await.unwrap();
    let mut bytes = Vec::new();
    read.body.read_to_end(&mut bytes).await.unwrap();
    bytes
}

fn walkdir_count(dir: &std::path::Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        count += if path.is_dir() { walkdir_count(&path) } else { 1 };
    }
    count
}
