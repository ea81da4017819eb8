//! Where models live on disk: Immich's cache layout under one models folder.
//!
//! ```text
//! {models_dir}/clip/{name}/config.json, visual/{model.onnx,preprocess_cfg.json}, textual/{model.onnx,tokenizer.json,...}
//! {models_dir}/facial-recognition/{name}/detection/model.onnx, recognition/model.onnx
//! ```

use std::path::{Path, PathBuf};

/// The two kinds of model repositories Immich publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    Clip,
    FacialRecognition,
}

impl ModelKind {
    /// The folder of this kind under the models folder (Immich's names).
    pub fn folder(self) -> &'static str {
        match self {
            Self::Clip => "clip",
            Self::FacialRecognition => "facial-recognition",
        }
    }

    /// Files that must exist for a model of this kind to be usable.
    pub fn required_files(self) -> &'static [&'static str] {
        match self {
            Self::Clip => &[
                "config.json",
                "visual/model.onnx",
                "visual/preprocess_cfg.json",
                "textual/model.onnx",
                "textual/tokenizer.json",
            ],
            Self::FacialRecognition => &["detection/model.onnx", "recognition/model.onnx"],
        }
    }

    /// Guesses the kind from a repository's file list, else from its name (Immich's face models
    /// are `buffalo_*` and `antelopev2`).
    pub fn detect<'a>(name: &str, files: impl IntoIterator<Item = &'a str>) -> Self {
        for file in files {
            if file.starts_with("detection/") || file.starts_with("recognition/") {
                return Self::FacialRecognition;
            }
            if file.starts_with("visual/") || file.starts_with("textual/") {
                return Self::Clip;
            }
        }
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("buffalo") || lower.starts_with("antelope") { Self::FacialRecognition } else { Self::Clip }
    }
}

/// Paths of installed models under one models folder.
#[derive(Debug, Clone)]
pub struct ModelStore {
    models_dir: PathBuf,
}

impl ModelStore {
    pub fn new(models_dir: PathBuf) -> Self {
        Self { models_dir }
    }

    pub fn models_dir(&self) -> &Path {
        &self.models_dir
    }

    pub fn model_dir(&self, kind: ModelKind, name: &str) -> PathBuf {
        self.models_dir.join(kind.folder()).join(name)
    }

    pub fn clip_dir(&self, name: &str) -> PathBuf {
        self.model_dir(ModelKind::Clip, name)
    }

    pub fn face_dir(&self, name: &str) -> PathBuf {
        self.model_dir(ModelKind::FacialRecognition, name)
    }

    pub fn installed(&self, kind: ModelKind, name: &str) -> bool {
        let dir = self.model_dir(kind, name);
        kind.required_files().iter().all(|file| dir.join(file).is_file())
    }

    pub fn clip_installed(&self, name: &str) -> bool {
        self.installed(ModelKind::Clip, name)
    }

    pub fn faces_installed(&self, name: &str) -> bool {
        self.installed(ModelKind::FacialRecognition, name)
    }

    /// Installed models of each kind, sorted by name.
    pub fn list(&self) -> Vec<(ModelKind, String)> {
        let mut found = Vec::new();
        for kind in [ModelKind::Clip, ModelKind::FacialRecognition] {
            let Ok(entries) = std::fs::read_dir(self.models_dir.join(kind.folder())) else { continue };
            let mut names: Vec<String> = entries
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .filter(|name| !name.starts_with('.') && self.installed(kind, name))
                .collect();
            names.sort();
            found.extend(names.into_iter().map(|name| (kind, name)));
        }
        found
    }
}
