//! `shoebox-ml`: the machine-learning engine shared by the worker and the server.
//!
//! - [`init_runtime`] loads ONNX Runtime from a configured library file, once per process.
//! - Models live in Immich's cache layout under one folder ([`ModelStore`]), so the same model
//!   repositories Immich publishes work here; [`pull_model`] downloads them.
//! - [`ClipVisual`] / [`ClipTextual`] embed photos and search text into one space (smart search);
//!   [`FaceDetector`] (SCRFD) and [`FaceRecognizer`] (ArcFace) find and describe faces;
//!   [`OcrEngine`] (PP-OCR) reads the text in photos.
//!
//! Every model type is `Send + Sync`: load it once, share it in an `Arc`. ONNX Runtime sessions
//! need exclusive access to run, so each model serialises its own calls behind a mutex; run
//! several models (or several copies) for parallelism.

mod align;
mod clip_config;
mod clip_textual;
mod clip_visual;
mod error;
mod face_detector;
mod face_recognizer;
mod ocr;
mod preprocess;
mod pull;
mod runtime;
mod store;
mod text_detector;
mod text_recognizer;
mod vector;

pub use clip_textual::ClipTextual;
pub use clip_visual::ClipVisual;
pub use error::MlError;
pub use face_detector::{DetectedFace, FaceDetector};
pub use face_recognizer::FaceRecognizer;
pub use ocr::{OcrEngine, OcrSettings, TextLine};
pub use pull::{ensure_models, pull_model};
pub use runtime::init_runtime;
pub use store::{ModelKind, ModelStore};
pub use vector::cosine_similarity;
