//! Downloading models from a Hugging Face compatible server, in Immich's repository layout.
//!
//! The file list comes from `GET {base}/api/models/{owner}/{name}/tree/main?recursive=true`;
//! each file from `GET {base}/{owner}/{name}/resolve/main/{path}`. Files land in a staging folder
//! next to the target (`.{name}.download`), each first as `{file}.partial` that a retry or a later
//! pull continues with an HTTP Range request. Every file is checked against the listed size and,
//! for LFS files, the listed SHA-256; only a complete, verified model is renamed into place.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shoebox_core::MlConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::MlError;
use crate::store::{ModelKind, ModelStore};

/// Tries per file; each retry resumes where the last one stopped.
const ATTEMPTS: u32 = 4;

/// Runtime variants for other accelerators (ARM NN, Rockchip NPU) that ONNX Runtime cannot use.
const SKIPPED_EXTENSIONS: [&str; 3] = ["armnn", "rknn", "tflite"];

#[derive(Debug, Deserialize)]
struct ListedFile {
    #[serde(rename = "type")]
    kind: String,
    path: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    lfs: Option<LfsInfo>,
}

#[derive(Debug, Deserialize)]
struct LfsInfo {
    oid: String,
    #[serde(default)]
    size: Option<u64>,
}

/// A file to fetch, with what it must match.
struct Wanted {
    path: String,
    size: Option<u64>,
    sha256: Option<String>,
}

/// Downloads model `name` from `config.model_base_url` into `config.models_dir` and returns its
/// folder. The kind (CLIP or facial recognition) follows from the repository's files. With
/// `progress`, a progress bar is drawn on stderr.
pub async fn pull_model(config: &MlConfig, name: &str, progress: bool) -> Result<PathBuf, MlError> {
    pull(config, name, progress, false).await
}

/// `unless_installed`: after waiting for another pull of the same model, keep its result.
async fn pull(config: &MlConfig, name: &str, progress: bool, unless_installed: bool) -> Result<PathBuf, MlError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(MlError::Download(format!("{name:?} is not a model name")));
    }
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(60))
        .user_agent(concat!("shoebox/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| MlError::Download(err.to_string()))?;
    let base = config.model_base_url.trim_end_matches('/');
    let repository = format!("{}/{name}", config.model_repository_owner);
    let files = list_files(&client, base, &repository).await?;
    let kind = ModelKind::detect(name, files.iter().map(|f| f.path.as_str()));
    let missing: Vec<_> = kind.required_files().iter().filter(|r| !files.iter().any(|f| f.path == **r)).collect();
    if !missing.is_empty() {
        return Err(MlError::Download(format!(
            "{base}/{repository} is not a {} model: it lacks {missing:?}",
            kind.folder()
        )));
    }

    let store = ModelStore::new(config.models_dir.clone());
    let target = store.model_dir(kind, name);
    let parent = target.parent().expect("model folders have a parent");
    tokio::fs::create_dir_all(parent).await.map_err(|err| io_error(parent, err))?;
    // Workers sharing a models folder may start together: one downloads, the others wait.
    let _lock = lock_model(&parent.join(format!(".{name}.lock"))).await?;
    if unless_installed && store.installed(kind, name) {
        return Ok(target);
    }
    let staging = parent.join(format!(".{name}.download"));

    let total = files.iter().filter_map(|f| f.size).sum();
    let bar = if progress { ProgressBar::new(total) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(name.to_owned());
    for file in &files {
        let url = format!("{base}/{repository}/resolve/main/{}", file.path);
        fetch_file(&client, &url, file, &staging.join(&file.path), &bar).await?;
    }
    bar.finish_and_clear();
    install(&staging, &target).await?;
    tracing::info!(model = name, kind = kind.folder(), path = %target.display(), "model installed");
    Ok(target)
}

/// Pulls the configured CLIP and face models when they are not installed, and warns of a missing
/// OCR model, which cannot be pulled. Without `auto_pull` a missing CLIP or face model is a
/// [`MlError::ModelMissing`] naming the file that is not there.
pub async fn ensure_models(config: &MlConfig) -> Result<(), MlError> {
    let store = ModelStore::new(config.models_dir.clone());
    for (kind, name) in [(ModelKind::Clip, &config.clip_model), (ModelKind::FacialRecognition, &config.face_model)] {
        if store.installed(kind, name) {
            continue;
        }
        if !config.auto_pull {
            let dir = store.model_dir(kind, name);
            let path = kind.required_files().iter().map(|f| dir.join(f)).find(|p| !p.is_file()).unwrap_or(dir);
            return Err(MlError::ModelMissing { path });
        }
        tracing::info!(model = %name, kind = kind.folder(), from = %config.model_base_url, "pulling missing model");
        pull(config, name, false, true).await?;
    }
    // Immich fetches OCR models from RapidOCR's site, not from the model server: say what is
    // missing instead of leaving it to be found as jobs waiting for the model.
    if config.ocr.enabled && !store.ocr_installed(&config.ocr.model) {
        let (detection, recognition) = store.ocr_dirs(&config.ocr.model);
        tracing::warn!(
            model = %config.ocr.model,
            detection = %detection.join("detection/model.onnx").display(),
            recognition = %recognition.join("recognition/model.onnx").display(),
            "the OCR model is not installed and cannot be pulled; OCR jobs wait until these files exist"
        );
    }
    Ok(())
}

async fn list_files(client: &reqwest::Client, base: &str, repository: &str) -> Result<Vec<Wanted>, MlError> {
    let mut url = Some(format!("{base}/api/models/{repository}/tree/main?recursive=true"));
    let mut wanted = Vec::new();
    // The Hub pages long listings with a `Link: <…>; rel="next"` header.
    while let Some(page) = url.take() {
        let response = client
            .get(&page)
            .send()
            .await
            .map_err(|err| MlError::Download(format!("{page}: {}", with_causes(&err))))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Err(MlError::Download(format!("no model repository {repository} at {base}")));
        }
        if !response.status().is_success() {
            return Err(MlError::Download(format!("{page}: HTTP {}", response.status())));
        }
        url = next_page(response.headers());
        let listed: Vec<ListedFile> =
            response.json().await.map_err(|err| MlError::Download(format!("{page}: bad file list: {err}")))?;
        for file in listed.into_iter().filter(|f| f.kind == "file") {
            if !is_safe_relative(&file.path) {
                return Err(MlError::Download(format!("{page}: refusing file path {:?}", file.path)));
            }
            if skipped(&file.path) {
                continue;
            }
            let sha256 = file.lfs.as_ref().map(|lfs| lfs.oid.to_ascii_lowercase());
            let size = file.lfs.as_ref().and_then(|lfs| lfs.size).or(file.size);
            wanted.push(Wanted { path: file.path, size, sha256 });
        }
    }
    Ok(wanted)
}

fn next_page(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let link = headers.get(reqwest::header::LINK)?.to_str().ok()?;
    link.split(',').find(|part| part.contains("rel=\"next\"")).and_then(|part| {
        let start = part.find('<')? + 1;
        let end = part.find('>')?;
        Some(part[start..end].to_owned())
    })
}

fn skipped(path: &str) -> bool {
    let extension = Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("");
    SKIPPED_EXTENSIONS.contains(&extension) || path.split('/').any(|part| part == "rknpu")
}

fn is_safe_relative(path: &str) -> bool {
    !path.is_empty() && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}

/// Downloads one file into `dest` unless a verified copy is already there.
async fn fetch_file(
    client: &reqwest::Client,
    url: &str,
    file: &Wanted,
    dest: &Path,
    bar: &ProgressBar,
) -> Result<(), MlError> {
    if tokio::fs::metadata(dest).await.is_ok() && verify(dest, file).await.is_ok() {
        bar.inc(file.size.unwrap_or(0));
        return Ok(());
    }
    let folder = dest.parent().expect("files sit in a folder");
    tokio::fs::create_dir_all(folder).await.map_err(|err| io_error(folder, err))?;
    let partial = PathBuf::from(format!("{}.partial", dest.display()));
    let mut last_error = None;
    for attempt in 1..=ATTEMPTS {
        match download_to(client, url, &partial, file, bar).await {
            Ok(()) => {
                last_error = None;
                break;
            }
            Err(err) => {
                tracing::warn!(url, attempt, error = %err, "download interrupted; resuming");
                last_error = Some(err);
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
        }
    }
    if let Some(err) = last_error {
        return Err(err);
    }
    if let Err(err) = verify(&partial, file).await {
        // A wrong file must not be resumed from: start over next time.
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(err);
    }
    tokio::fs::rename(&partial, dest).await.map_err(|err| io_error(dest, err))
}

/// Appends the rest of the file to `partial`, asking the server for the bytes it lacks.
async fn download_to(
    client: &reqwest::Client,
    url: &str,
    partial: &Path,
    file: &Wanted,
    bar: &ProgressBar,
) -> Result<(), MlError> {
    let mut have = tokio::fs::metadata(partial).await.map(|m| m.len()).unwrap_or(0);
    if file.size.is_some_and(|size| have > size) {
        have = 0;
    }
    if file.size.is_some_and(|size| have == size) {
        return Ok(());
    }
    let mut request = client.get(url);
    if have > 0 {
        request = request.header(reqwest::header::RANGE, format!("bytes={have}-"));
    }
    let response = request.send().await.map_err(|err| MlError::Download(format!("{url}: {}", with_causes(&err))))?;
    let status = response.status();
    let append = match status {
        reqwest::StatusCode::PARTIAL_CONTENT => true,
        status if status.is_success() => false,
        status => return Err(MlError::Download(format!("{url}: HTTP {status}"))),
    };
    let mut out = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(partial)
        .await
        .map_err(|err| io_error(partial, err))?;
    if append {
        bar.inc(have);
    }
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|err| MlError::Download(format!("{url}: {}", with_causes(&err))))?;
        out.write_all(&chunk).await.map_err(|err| io_error(partial, err))?;
        bar.inc(chunk.len() as u64);
    }
    out.flush().await.map_err(|err| io_error(partial, err))?;
    out.sync_all().await.map_err(|err| io_error(partial, err))?;
    Ok(())
}

/// Checks size and, when the listing gave one, SHA-256.
async fn verify(path: &Path, file: &Wanted) -> Result<(), MlError> {
    let actual_size = tokio::fs::metadata(path).await.map_err(|err| io_error(path, err))?.len();
    if let Some(size) = file.size
        && size != actual_size
    {
        return Err(MlError::Download(format!("{}: {actual_size} bytes, expected {size}", file.path)));
    }
    if let Some(expected) = &file.sha256 {
        let mut reader = tokio::fs::File::open(path).await.map_err(|err| io_error(path, err))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let read = reader.read(&mut buffer).await.map_err(|err| io_error(path, err))?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        let actual = hex::encode(hasher.finalize());
        if &actual != expected {
            return Err(MlError::Download(format!(
                "{}: SHA-256 {actual} does not match the listed {expected}",
                file.path
            )));
        }
    }
    Ok(())
}

/// Holds an exclusive lock on `path` (created if missing) until the file is dropped.
async fn lock_model(path: &Path) -> Result<std::fs::File, MlError> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|err| io_error(path, err))?;
    let locked = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|err| MlError::Download(err.to_string()))?;
    locked.map_err(|err| io_error(path, err))
}

/// Replaces `target` with the complete `staging` folder (the old copy is removed only after).
async fn install(staging: &Path, target: &Path) -> Result<(), MlError> {
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("model");
    let old = target.with_file_name(format!(".{name}.old"));
    let _ = tokio::fs::remove_dir_all(&old).await;
    if tokio::fs::metadata(target).await.is_ok() {
        tokio::fs::rename(target, &old).await.map_err(|err| io_error(target, err))?;
    }
    tokio::fs::rename(staging, target).await.map_err(|err| io_error(target, err))?;
    let _ = tokio::fs::remove_dir_all(&old).await;
    Ok(())
}

/// reqwest's own message ("error sending request") hides the reason (DNS, TLS, refused…).
fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn io_error(path: &Path, err: std::io::Error) -> MlError {
    MlError::Download(format!("{}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accelerator_variants_are_skipped() {
        assert!(skipped("visual/model.armnn"));
        assert!(skipped("visual/rknpu/rk3588/model.rknn"));
        assert!(!skipped("visual/model.onnx"));
    }

    #[test]
    fn paths_leaving_the_model_folder_are_refused() {
        assert!(is_safe_relative("textual/tokenizer.json"));
        assert!(!is_safe_relative("../etc/passwd"));
        assert!(!is_safe_relative("/etc/passwd"));
    }
}
