//! The worker's machine-learning models, loaded on first use and kept for the life of the
//! process. A model that is not installed yet is not an error: the step reports
//! "waiting for model" and the asset is queued again when the model appears (see
//! [`crate::runner`]'s model watch).

use std::path::PathBuf;
use std::sync::Arc;

use shoebox_core::MlConfig;
use shoebox_core::jobs::Queue;
use shoebox_ml::{ClipVisual, FaceDetector, FaceRecognizer, MlError, ModelStore, OcrEngine};
use tokio::sync::OnceCell;

use crate::steps::StepError;

pub struct Models {
    pub config: MlConfig,
    pub store: ModelStore,
    clip: OnceCell<Arc<ClipVisual>>,
    detector: OnceCell<Arc<FaceDetector>>,
    recognizer: OnceCell<Arc<FaceRecognizer>>,
    ocr: OnceCell<Arc<OcrEngine>>,
    /// Set once the smart-search table has been typed for the loaded CLIP model.
    pub clip_prepared: OnceCell<()>,
}

impl Models {
    pub fn new(config: MlConfig) -> Self {
        Self {
            store: ModelStore::new(config.models_dir.clone()),
            config,
            clip: OnceCell::new(),
            detector: OnceCell::new(),
            recognizer: OnceCell::new(),
            ocr: OnceCell::new(),
            clip_prepared: OnceCell::new(),
        }
    }

    /// Whether the model `queue`'s step needs is on disk (queues without a model: always).
    pub fn installed_for(&self, queue: Queue) -> bool {
        match queue {
            Queue::SmartSearch => self.store.clip_installed(&self.config.clip_model),
            Queue::FaceDetection => self.store.faces_installed(&self.config.face_model),
            Queue::Ocr => !self.config.ocr.enabled || self.store.ocr_installed(&self.config.ocr.model),
            _ => true,
        }
    }

    pub async fn clip(&self) -> Result<Arc<ClipVisual>, StepError> {
        let name = &self.config.clip_model;
        if !self.store.clip_installed(name) {
            return Err(waiting(format!("CLIP model {name}"), self.store.clip_dir(name)));
        }
        let dir = self.store.clip_dir(name);
        let threads = self.config.intra_threads;
        let onnxruntime = self.config.onnxruntime_path.clone();
        self.clip.get_or_try_init(|| load(onnxruntime, move || ClipVisual::load(&dir, threads))).await.cloned()
    }

    pub async fn faces(&self) -> Result<(Arc<FaceDetector>, Arc<FaceRecognizer>), StepError> {
        let name = &self.config.face_model;
        if !self.store.faces_installed(name) {
            return Err(waiting(format!("face model {name}"), self.store.face_dir(name)));
        }
        let dir = self.store.face_dir(name);
        let threads = self.config.intra_threads;
        let min_score = self.config.face_min_score;
        let onnxruntime = self.config.onnxruntime_path.clone();
        let detector_dir = dir.clone();
        let detector = self
            .detector
            .get_or_try_init(|| {
                load(onnxruntime.clone(), move || FaceDetector::load(&detector_dir, threads, min_score))
            })
            .await?
            .clone();
        let recognizer = self
            .recognizer
            .get_or_try_init(|| load(onnxruntime, move || FaceRecognizer::load(&dir, threads)))
            .await?
            .clone();
        Ok((detector, recognizer))
    }

    pub async fn ocr(&self) -> Result<Arc<OcrEngine>, StepError> {
        let name = &self.config.ocr.model;
        let (detection, recognition) = self.store.ocr_dirs(name);
        if !self.store.ocr_installed(name) {
            return Err(waiting(format!("OCR model {name}"), recognition));
        }
        let threads = self.config.intra_threads;
        let onnxruntime = self.config.onnxruntime_path.clone();
        self.ocr
            .get_or_try_init(|| load(onnxruntime, move || OcrEngine::load_parts(&detection, &recognition, threads)))
            .await
            .cloned()
    }
}


fn waiting(what: String, dir: PathBuf) -> StepError {
    StepError::WaitingForModel(format!("waiting for model: {what} is not installed in {}", dir.display()))
}

/// Loads a model off the async threads, after making sure ONNX Runtime is loaded.
async fn load<T: Send + 'static>(
    onnxruntime: Option<PathBuf>,
    load: impl FnOnce() -> Result<T, MlError> + Send + 'static,
) -> Result<Arc<T>, StepError> {
    let loaded = tokio::task::spawn_blocking(move || {
        shoebox_ml::init_runtime(onnxruntime.as_deref())?;
        load()
    })
    .await
    .map_err(|join| StepError::Permanent(format!("loading the model crashed: {join}")))?;
    loaded.map(Arc::new).map_err(|err| StepError::Permanent(format!("cannot use the model: {err}")))
}
