//! The one error type of the crate: each variant says what the user must fix.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MlError {
    /// ONNX Runtime could not be loaded (missing file, not a library, too old).
    #[error("ONNX Runtime is not available: {0}")]
    RuntimeMissing(String),
    /// A model file is not where the layout says it should be.
    #[error("model file {} is missing; pull the model with `shoebox-worker models pull NAME`", path.display())]
    ModelMissing { path: PathBuf },
    /// A model or its configuration is not what this code expects.
    #[error("invalid model: {0}")]
    InvalidModel(String),
    #[error("inference failed: {0}")]
    Inference(String),
    #[error("model download failed: {0}")]
    Download(String),
}

impl MlError {
    pub(crate) fn inference(err: impl std::fmt::Display) -> Self {
        Self::Inference(err.to_string())
    }
}
