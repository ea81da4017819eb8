//! An external library on a folder, indexed and watched by a real worker process: what is in the
//! folder shows in its owner's timeline with thumbnails, a photo copied in while the worker runs
//! appears, one removed goes offline (and out of the timeline) and comes back when it returns,
//! excluded files never appear, a sidecar beside a photo is recorded, and the folder's files are
//! never written to. The periodic rescan is an hour away throughout: the watch does the work,
//! except where a changed exclusion pattern asks for a scan. With two workers, one holds the
//! library, and the other takes it over when the first dies.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Stack, fixtures};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(180);
const XMP: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">Starfish</rdf:li></rdf:Alt></dc:description></rdf:Description>
</rdf:RDF></x:xmpmeta>"#;

/// The library's owner, signed in.
struct Owner {
    id: String,
    token: String,
}

impl Owner {
    async fn create(stack: &Stack) -> Self {
        let body = json!({ "email": "owner@example.com", "name": "Owner", "password": "correct horse battery" });
        let created =
            stack.http.post(stack.api("/admin/users")).bearer_auth(&stack.token).json(&body).send().await.unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
        let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let login = json!({ "email": "owner@example.com", "password": "correct horse battery" });
        let session: Value =
            stack.http.post(stack.api("/auth/login")).json(&login).send().await.unwrap().json().await.unwrap();
        Self { id, token: session["accessToken"].as_str().unwrap().to_owned() }
    }

    async fn get(&self, stack: &Stack, path: &str) -> reqwest::Response {
        stack.http.get(stack.api(path)).bearer_auth(&self.token).send().await.unwrap()
    }

    async fn get_json(&self, stack: &Stack, path: &str) -> Value {
        let response = self.get(stack, path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    /// What the owner's timeline shows: each asset's file name, by id.
    async fn timeline(&self, stack: &Stack) -> BTreeMap<String, String> {
        let mut shown = BTreeMap::new();
        let buckets = self.get_json(stack, "/timeline/buckets").await;
        for bucket in buckets.as_array().unwrap() {
            let month = bucket["timeBucket"].as_str().unwrap();
            let assets = self.get_json(stack, &format!("/timeline/bucket?timeBucket={month}")).await;
            for id in assets["id"].as_array().unwrap() {
                let id = id.as_str().unwrap();
                let asset = self.get_json(stack, &format!("/assets/{id}")).await;
                shown.insert(id.to_owned(), asset["originalFileName"].as_str().unwrap().to_owned());
            }
        }
        shown
    }

    /// Waits until the timeline shows exactly `names`, each with its thumbnail; returns their ids by name.
    async fn wait_for_timeline(&self, stack: &Stack, names: &[&str]) -> BTreeMap<String, String> {
        let mut want: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        want.sort();
        let start = Instant::now();
        loop {
            let shown = self.timeline(stack).await;
            let mut seen: Vec<String> = shown.values().cloned().collect();
            seen.sort();
            if seen == want && self.all_have_thumbnails(stack, shown.keys()).await {
                return shown.into_iter().map(|(id, name)| (name, id)).collect();
            }
            assert!(start.elapsed() < WAIT, "after {WAIT:?} the timeline shows {seen:?}, not {want:?}");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    async fn all_have_thumbnails(&self, stack: &Stack, ids: impl Iterator<Item = &String>) -> bool {
        for id in ids {
            if self.get(stack, &format!("/assets/{id}/thumbnail")).await.status() != StatusCode::OK {
                return false;
            }
        }
        true
    }

    /// Waits until the asset's `isOffline` is `offline`; returns the asset.
    async fn wait_for_offline(&self, stack: &Stack, id: &str, offline: bool) -> Value {
        let start = Instant::now();
        loop {
            let asset = self.get_json(stack, &format!("/assets/{id}")).await;
            if asset["isOffline"] == offline {
                return asset;
            }
            assert!(start.elapsed() < WAIT, "after {WAIT:?} asset {id} is not isOffline={offline}: {asset}");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
}

fn copy_fixture(relative: &str, to: &Path) {
    std::fs::copy(fixtures().join(relative), to).unwrap_or_else(|err| panic!("{relative}: {err}"));
}

/// Every file under `folder` with its bytes, by path relative to it.
fn contents(folder: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(folder)
        .into_iter()
        .map(|path| (path.strip_prefix(folder).unwrap().to_owned(), std::fs::read(&path).unwrap()))
        .collect()
}

fn walk(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

#[tokio::test]
async fn a_watched_folder_follows_files_added_removed_and_returned_while_the_worker_runs() {
    let mut stack = Stack::start(false).await;
    let owner = Owner::create(&stack).await;
    let folder = tempfile::tempdir().unwrap();
    let root = folder.path();
    copy_fixture("photos/starfish.jpg", &root.join("starfish.jpg"));
    std::fs::create_dir(root.join("trip")).unwrap();
    copy_fixture("photos/obama.jpg", &root.join("trip/obama.jpg"));
    std::fs::write(root.join("starfish.xmp"), XMP).unwrap();
    std::fs::create_dir(root.join("@eaDir")).unwrap();
    copy_fixture("photos/obama2.jpg", &root.join("@eaDir/x.jpg"));

    let body = json!({ "ownerId": owner.id, "name": "Photos", "importPaths": [root] });
    let created = stack.http.post(stack.api("/libraries")).bearer_auth(&stack.token).json(&body).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let library = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    stack.start_worker_with(&[("SHOEBOX_LIBRARY_RESCAN_SECONDS", Some("3600"))], None);

    let ids = owner.wait_for_timeline(&stack, &["starfish.jpg", "obama.jpg"]).await;
    let starfish = &ids["starfish.jpg"];
    let read = owner.get_json(&stack, &format!("/assets/{starfish}")).await;
    assert_eq!((read["libraryId"].clone(), read["isOffline"].clone()), (json!(library), json!(false)));
    let sidecar: Option<String> =
        sqlx::query_scalar("SELECT path FROM asset_files WHERE asset_id = $1::uuid AND kind = 'sidecar'")
            .bind(starfish)
            .fetch_optional(&stack.ctx.db)
            .await
            .unwrap();
    let expected = shoebox_storage::Key::external(&root.join("starfish.xmp")).unwrap().into_string();
    assert_eq!(sidecar, Some(expected), "the XMP beside the photo is its sidecar");
    // The metadata step reads it: its caption is the photo's.
    let start = std::time::Instant::now();
    loop {
        let read = owner.get_json(&stack, &format!("/assets/{starfish}")).await;
        if read["exifInfo"]["description"] == "Starfish" {
            break;
        }
        assert!(start.elapsed() < WAIT, "the sidecar's caption is not shown: {}", read["exifInfo"]);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let stats = stack.get_json(&format!("/libraries/{library}")).await;
    assert!(stats["refreshedAt"].is_string(), "the first scan is recorded: {stats}");

    // Copied in while the worker runs: indexed by the watch, with its thumbnail.
    copy_fixture("photos/coffee.png", &root.join("trip/coffee.png"));
    let ids = owner.wait_for_timeline(&stack, &["starfish.jpg", "obama.jpg", "coffee.png"]).await;
    let (obama, coffee) = (ids["obama.jpg"].clone(), ids["coffee.png"].clone());

    // Removed: offline, in the trash, gone from the timeline; put back: online again.
    std::fs::remove_file(root.join("trip/obama.jpg")).unwrap();
    let offline = owner.wait_for_offline(&stack, &obama, true).await;
    assert_eq!(offline["isTrashed"], true, "offline assets wait in the trash, as in Immich");
    owner.wait_for_timeline(&stack, &["starfish.jpg", "coffee.png"]).await;
    copy_fixture("photos/obama.jpg", &root.join("trip/obama.jpg"));
    owner.wait_for_offline(&stack, &obama, false).await;
    let ids = owner.wait_for_timeline(&stack, &["starfish.jpg", "obama.jpg", "coffee.png"]).await;
    assert_eq!(ids["obama.jpg"], obama, "the same asset came back");

    // A pattern that now excludes a file asks for a scan, which takes it offline; dropping the
    // pattern brings it back. No file changes: the scan, not the watch, sees it.
    let library_path = format!("/libraries/{library}");
    let exclude = |patterns: Value| {
        stack
            .http
            .put(stack.api(&library_path))
            .bearer_auth(&stack.token)
            .json(&json!({ "exclusionPatterns": patterns }))
            .send()
    };
    assert_eq!(exclude(json!(["**/@eaDir/**", "**/*.png"])).await.unwrap().status(), StatusCode::OK);
    owner.wait_for_offline(&stack, &coffee, true).await;
    assert_eq!(exclude(json!(["**/@eaDir/**"])).await.unwrap().status(), StatusCode::OK);
    owner.wait_for_offline(&stack, &coffee, false).await;
    // A scan asked for runs: the library's refreshedAt moves on.
    let before = stack.get_json(&library_path).await["refreshedAt"].clone();
    let scan = stack.http.request(Method::POST, stack.api(&format!("{library_path}/scan"))).bearer_auth(&stack.token);
    assert_eq!(scan.send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let start = Instant::now();
    while stack.get_json(&library_path).await["refreshedAt"] == before {
        assert!(start.elapsed() < WAIT, "the scan asked for did not run");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    let rows: Vec<String> =
        sqlx::query_scalar("SELECT original_file_name FROM assets ORDER BY 1").fetch_all(&stack.ctx.db).await.unwrap();
    assert_eq!(rows, ["coffee.png", "obama.jpg", "starfish.jpg"], "the excluded @eaDir/x.jpg was never indexed");
    let fixture = |relative: &str| std::fs::read(fixtures().join(relative)).unwrap();
    let expected: BTreeMap<PathBuf, Vec<u8>> = [
        ("starfish.jpg", fixture("photos/starfish.jpg")),
        ("starfish.xmp", XMP.as_bytes().to_vec()),
        ("trip/obama.jpg", fixture("photos/obama.jpg")),
        ("trip/coffee.png", fixture("photos/coffee.png")),
        ("@eaDir/x.jpg", fixture("photos/obama2.jpg")),
    ]
    .into_iter()
    .map(|(name, bytes)| (PathBuf::from(name), bytes))
    .collect();
    assert!(contents(root) == expected, "the folder holds exactly what the test put there, byte for byte");
}

/// Workers holding a library's lock, from Postgres' own view of the advisory locks.
async fn lock_holders(stack: &Stack) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted
             AND classid = 1527517616::oid
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_one(&stack.ctx.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn one_worker_at_a_time_holds_a_library_and_another_takes_over_when_it_dies() {
    let mut stack = Stack::start(false).await;
    let owner = Owner::create(&stack).await;
    let folder = tempfile::tempdir().unwrap();
    copy_fixture("photos/starfish.jpg", &folder.path().join("starfish.jpg"));
    let body = json!({ "ownerId": owner.id, "importPaths": [folder.path()] });
    let created = stack.http.post(stack.api("/libraries")).bearer_auth(&stack.token).json(&body).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let settings = [("SHOEBOX_LIBRARY_RESCAN_SECONDS", Some("3600"))];
    let first = stack.start_worker_with(&settings, None);
    owner.wait_for_timeline(&stack, &["starfish.jpg"]).await;
    stack.start_worker_with(&settings, None);
    // The second worker has had time to try the lock (it polls every two seconds).
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(lock_holders(&stack).await, 1, "the library has one holder");

    stack.kill_worker(first);
    copy_fixture("photos/obama.jpg", &folder.path().join("obama.jpg"));
    owner.wait_for_timeline(&stack, &["starfish.jpg", "obama.jpg"]).await;
    assert_eq!(lock_holders(&stack).await, 1, "the survivor holds it now");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM assets").fetch_one(&stack.ctx.db).await.unwrap();
    assert_eq!(rows, 2, "each file indexed once");
}
