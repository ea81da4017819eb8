//! The CLIP text tower for smart search: loaded on the first search, not at start-up (most
//! requests never need it), with a small cache of recent queries since people refine and page
//! through the same search.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use shoebox_core::MlConfig;
use shoebox_ml::{ClipTextual, ModelStore};
use tokio::sync::OnceCell;

use crate::error::ApiError;

/// Queries remembered.
const CACHE_SIZE: usize = 64;

pub struct TextEncoder {
    config: MlConfig,
    store: ModelStore,
    model: OnceCell<Arc<ClipTextual>>,
    /// Most recently used last.
    recent: Mutex<VecDeque<(String, Arc<Vec<f32>>)>>,
}

impl TextEncoder {
    pub fn new(config: MlConfig) -> Self {
        Self {
            store: ModelStore::new(config.models_dir.clone()),
            config,
            model: OnceCell::new(),
            recent: Mutex::new(VecDeque::with_capacity(CACHE_SIZE)),
        }
    }

    /// The configured CLIP model's name.
    pub fn model_name(&self) -> &str {
        &self.config.clip_model
    }

    /// The L2-normalised embedding of `query`.
    pub async fn encode(&self, query: &str) -> Result<Arc<Vec<f32>>, ApiError> {
        if let Some(hit) = self.cached(query) {
            return Ok(hit);
        }
        let model = self.model().await?;
        let text = query.to_owned();
        let embedding = tokio::task::spawn_blocking(move || model.embed(&text))
            .await
            .map_err(|join| ApiError::Internal(anyhow::anyhow!("text encoder crashed: {join}")))?
            .map_err(|err| ApiError::Internal(anyhow::anyhow!("text encoder failed: {err}")))?;
        let embedding = Arc::new(embedding);
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if recent.len() == CACHE_SIZE {
            recent.pop_front();
        }
        recent.push_back((query.to_owned(), embedding.clone()));
        Ok(embedding)
    }

    fn cached(&self, query: &str) -> Option<Arc<Vec<f32>>> {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let index = recent.iter().position(|(text, _)| text == query)?;
        let entry = recent.remove(index)?;
        let embedding = entry.1.clone();
        recent.push_back(entry);
        Some(embedding)
    }

    async fn model(&self) -> Result<Arc<ClipTextual>, ApiError> {
        let name = &self.config.clip_model;
        if !self.store.clip_installed(name) {
            return Err(ApiError::Unavailable(format!(
                "Smart search is waiting for the CLIP model {name} to be installed"
            )));
        }
        let dir = self.store.clip_dir(name);
        let threads = self.config.intra_threads;
        let runtime = self.config.onnxruntime_path.clone();
        self.model
            .get_or_try_init(|| async move {
                let loaded = tokio::task::spawn_blocking(move || {
                    shoebox_ml::init_runtime(runtime.as_deref())?;
                    ClipTextual::load(&dir, threads)
                })
                .await
                .map_err(|join| ApiError::Internal(anyhow::anyhow!("loading the text encoder crashed: {join}")))?;
                loaded.map(Arc::new).map_err(|err| {
                    tracing::error!(error = %err, "cannot load the CLIP text encoder");
                    ApiError::Unavailable(format!("Smart search is unavailable: {err}"))
                })
            })
            .await
            .cloned()
    }
}
