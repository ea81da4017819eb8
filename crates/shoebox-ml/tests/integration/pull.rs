//! `pull_model` against a local Hugging Face look-alike (axum): the listing API, `resolve/main`
//! downloads with Range, a connection cut mid-file, and a checksum that does not match.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::StreamExt;
use sha2::{Digest, Sha256};
use shoebox_core::MlConfig;
use shoebox_ml::{MlError, ModelStore, ensure_models, pull_model};

#[derive(Default)]
struct Hub {
    /// repository name → (path → contents)
    repositories: HashMap<String, Vec<(String, Vec<u8>)>>,
    /// Paths whose listed SHA-256 is wrong.
    wrong_sha: Vec<String>,
    /// A path whose first download is cut half-way.
    cut_once: Option<String>,
    cut_done: AtomicBool,
    /// (path, Range header) of every file request.
    requests: Mutex<Vec<(String, Option<String>)>>,
}

fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

fn clip_files() -> Vec<(String, Vec<u8>)> {
    [
        ("config.json", br#"{"embed_dim": 64, "text_cfg": {"context_length": 32}}"#.to_vec()),
        ("visual/model.onnx", bytes(300_000, 1)),
        ("visual/preprocess_cfg.json", br#"{"size": [128, 128]}"#.to_vec()),
        ("visual/model.armnn", bytes(1000, 2)),
        ("visual/rknpu/rk3588/model.rknn", bytes(1000, 3)),
        ("textual/model.onnx", bytes(120_000, 4)),
        ("textual/tokenizer.json", b"{}".to_vec()),
        ("textual/tokenizer_config.json", b"{}".to_vec()),
        ("README.md", b"# test model\n".to_vec()),
    ]
    .into_iter()
    .map(|(path, data)| (path.to_owned(), data))
    .collect()
}

fn face_files() -> Vec<(String, Vec<u8>)> {
    vec![("detection/model.onnx".to_owned(), bytes(50_000, 5)), ("recognition/model.onnx".to_owned(), bytes(70_000, 6))]
}

async fn listing(State(hub): State<Arc<Hub>>, Path((owner, name)): Path<(String, String)>) -> Response {
    let Some(files) = hub.repositories.get(&name).filter(|_| owner == "immich-app") else {
        return (StatusCode::NOT_FOUND, "Repository not found").into_response();
    };
    let mut entries = vec![serde_json::json!({"type": "directory", "path": "visual", "oid": "0", "size": 0})];
    for (path, data) in files {
        let mut sha = hex::encode(Sha256::digest(data));
        if hub.wrong_sha.contains(path) {
            sha = hex::encode(Sha256::digest(b"something else"));
        }
        // Like the Hub: small text files are plain git blobs, large ones LFS with a SHA-256.
        entries.push(if data.len() > 10_000 {
            serde_json::json!({"type": "file", "path": path, "size": data.len(), "oid": "abc",
                "lfs": {"oid": sha, "size": data.len(), "pointerSize": 132}})
        } else {
            serde_json::json!({"type": "file", "path": path, "size": data.len(), "oid": "abc"})
        });
    }
    axum::Json(entries).into_response()
}

async fn resolve(
    State(hub): State<Arc<Hub>>,
    Path((_owner, name, path)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    hub.requests.lock().unwrap().push((path.clone(), range.clone()));
    let Some((_, data)) = hub.repositories.get(&name).and_then(|files| files.iter().find(|(p, _)| *p == path)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .map(|n| n.parse::<usize>().unwrap())
        .unwrap_or(0);
    let rest = data[start..].to_vec();
    let status = if start > 0 { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let mut response = Response::builder().status(status).header(header::CONTENT_LENGTH, rest.len());
    if start > 0 {
        response = response.header(header::CONTENT_RANGE, format!("bytes {start}-{}/{}", data.len() - 1, data.len()));
    }
    if hub.cut_once.as_deref() == Some(path.as_str()) && !hub.cut_done.swap(true, Ordering::SeqCst) {
        // Half the body, then the connection breaks.
        let half = rest[..rest.len() / 2].to_vec();
        // The pause lets the first half reach the client before the connection breaks.
        let cut = async {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            Err(std::io::Error::other("cut"))
        };
        let stream = futures::stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from(half))])
            .chain(futures::stream::once(cut));
        return response.body(Body::from_stream(stream)).unwrap();
    }
    response.body(Body::from(rest)).unwrap()
}

async fn serve(hub: Hub) -> (String, Arc<Hub>) {
    let hub = Arc::new(hub);
    let app = Router::new()
        .route("/api/models/{owner}/{name}/tree/main", get(listing))
        .route("/{owner}/{name}/resolve/main/{*path}", get(resolve))
        .with_state(hub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hub)
}

fn hub_with_models() -> Hub {
    let mut hub = Hub::default();
    hub.repositories.insert("tiny-clip".to_owned(), clip_files());
    hub.repositories.insert("buffalo_test".to_owned(), face_files());
    hub
}

fn config(base_url: &str, models_dir: &std::path::Path) -> MlConfig {
    let mut ml = shoebox_core::Config::from_lookup(|_| None).unwrap().ml;
    ml.model_base_url = base_url.to_owned();
    ml.models_dir = models_dir.to_path_buf();
    ml.clip_model = "tiny-clip".to_owned();
    ml.face_model = "buffalo_test".to_owned();
    ml
}

/// Every file below `dir`, relative, sorted (hidden leftovers included).
fn tree(dir: &std::path::Path) -> Vec<String> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "lock") {
                continue; // the pull's lock file stays
            } else if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

fn assert_clip_installed(models: &std::path::Path) {
    let dir = models.join("clip/tiny-clip");
    let mut expected: Vec<String> = clip_files()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|p| !p.ends_with(".armnn") && !p.ends_with(".rknn"))
        .map(|p| format!("clip/tiny-clip/{p}"))
        .collect();
    expected.sort();
    assert_eq!(tree(models), expected, "exactly the model's files, no leftovers, accelerator variants skipped");
    for (path, data) in clip_files().into_iter().filter(|(p, _)| !p.ends_with(".armnn") && !p.ends_with(".rknn")) {
        assert_eq!(std::fs::read(dir.join(&path)).unwrap(), data, "{path}");
    }
    assert!(ModelStore::new(models.to_path_buf()).clip_installed("tiny-clip"));
}

#[tokio::test]
async fn pulls_a_clip_model_into_immichs_layout() {
    let (url, hub) = serve(hub_with_models()).await;
    let models = tempfile::tempdir().unwrap();
    let dir = pull_model(&config(&url, models.path()), "tiny-clip", false).await.unwrap();
    assert_eq!(dir, models.path().join("clip/tiny-clip"));
    assert_clip_installed(models.path());
    assert!(hub.requests.lock().unwrap().iter().all(|(path, range)| range.is_none() && !path.contains("rknn")));

    // Pulling again replaces the model in place.
    pull_model(&config(&url, models.path()), "tiny-clip", false).await.unwrap();
    assert_clip_installed(models.path());
}

#[tokio::test]
async fn a_cut_download_resumes_with_a_range_request() {
    let mut hub = hub_with_models();
    hub.cut_once = Some("visual/model.onnx".to_owned());
    let (url, hub) = serve(hub).await;
    let models = tempfile::tempdir().unwrap();
    pull_model(&config(&url, models.path()), "tiny-clip", false).await.unwrap();
    assert_clip_installed(models.path());
    let requests: Vec<_> =
        hub.requests.lock().unwrap().iter().filter(|(path, _)| path == "visual/model.onnx").cloned().collect();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0].1, None);
    assert_eq!(requests[1].1.as_deref(), Some("bytes=150000-"), "continues where the cut left off");
}

#[tokio::test]
async fn a_checksum_mismatch_installs_nothing() {
    let mut hub = hub_with_models();
    hub.wrong_sha = vec!["textual/model.onnx".to_owned()];
    let (url, _hub) = serve(hub).await;
    let models = tempfile::tempdir().unwrap();
    let err = pull_model(&config(&url, models.path()), "tiny-clip", false).await.unwrap_err();
    assert!(matches!(err, MlError::Download(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("textual/model.onnx") && message.contains("SHA-256"), "{message}");
    assert!(!models.path().join("clip/tiny-clip").exists(), "nothing installed");
    let leftovers = tree(models.path());
    assert!(leftovers.iter().all(|p| !p.ends_with("textual/model.onnx.partial")), "bad file kept: {leftovers:?}");
    assert!(!ModelStore::new(models.path().to_path_buf()).clip_installed("tiny-clip"));
}

#[tokio::test]
async fn face_models_go_to_facial_recognition_and_unknown_names_fail_clearly() {
    let (url, _hub) = serve(hub_with_models()).await;
    let models = tempfile::tempdir().unwrap();
    let dir = pull_model(&config(&url, models.path()), "buffalo_test", false).await.unwrap();
    assert_eq!(dir, models.path().join("facial-recognition/buffalo_test"));
    assert!(ModelStore::new(models.path().to_path_buf()).faces_installed("buffalo_test"));

    let err = pull_model(&config(&url, models.path()), "no-such-model", false).await.unwrap_err();
    assert!(err.to_string().contains("no model repository immich-app/no-such-model"), "{err}");
    let err = pull_model(&config(&url, models.path()), "../escape", false).await.unwrap_err();
    assert!(matches!(err, MlError::Download(_)), "{err:?}");
}

#[tokio::test]
async fn ensure_models_pulls_what_is_missing_only_when_allowed() {
    let (url, hub) = serve(hub_with_models()).await;
    let models = tempfile::tempdir().unwrap();
    let mut ml = config(&url, models.path());
    ml.auto_pull = false;
    let err = ensure_models(&ml).await.unwrap_err();
    assert!(matches!(err, MlError::ModelMissing { .. }), "{err:?}");
    assert!(hub.requests.lock().unwrap().is_empty());

    ml.auto_pull = true;
    ensure_models(&ml).await.unwrap();
    let store = ModelStore::new(models.path().to_path_buf());
    assert!(store.clip_installed("tiny-clip") && store.faces_installed("buffalo_test"));
    let fetched = hub.requests.lock().unwrap().len();
    ensure_models(&ml).await.unwrap();
    assert_eq!(hub.requests.lock().unwrap().len(), fetched, "installed models are not fetched again");
}

#[tokio::test]
async fn workers_pulling_the_same_model_at_once_download_it_once() {
    let (url, hub) = serve(hub_with_models()).await;
    let models = tempfile::tempdir().unwrap();
    let config = config(&url, models.path());
    let (a, b) = tokio::join!(ensure_models(&config), ensure_models(&config));
    a.unwrap();
    b.unwrap();
    assert_clip_installed_with_faces(models.path());
    let model_requests = hub.requests.lock().unwrap().iter().filter(|(p, _)| p == "visual/model.onnx").count();
    assert_eq!(model_requests, 1, "the second pull waits and reuses the first one's model");
}

fn assert_clip_installed_with_faces(models: &std::path::Path) {
    let store = ModelStore::new(models.to_path_buf());
    assert!(store.clip_installed("tiny-clip") && store.faces_installed("buffalo_test"));
    assert!(tree(models).iter().all(|p| !p.contains(".download") && !p.ends_with(".partial")), "{:?}", tree(models));
}
