//! Where models live on disk: Immich's cache layout under one models folder.
//!
//! ```text
//! {models_dir}/clip/{name}/config.json, visual/{model.onnx,preprocess_cfg.json}, textual/{model.onnx,tokenizer.json,...}
//! {models_dir}/facial-recognition/{name}/detection/model.onnx, recognition/model.onnx
//! {models_dir}/ocr/{name}/detection/model.onnx, recognition/model.onnx
//! ```
//!
//! OCR models named `{LANG}__{base}` (e.g. `EN__PP-OCRv5_mobile`) are language variants of a
//! recognizer: Immich keeps their recognition model under `ocr/{LANG}__{base}/` and shares the
//! detection model of `ocr/{base}/`.

use std::path::{Path, PathBuf};

/// The kinds of models Immich uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    Clip,
    FacialRecognition,
    /// PP-OCR text detection and recognition.
    Ocr,
}

impl ModelKind {
    /// The folder of this kind under the models folder (Immich's names).
    pub fn folder(self) -> &'static str {
        match self {
            Self::Clip => "clip",
            Self::FacialRecognition => "facial-recognition",
            Self::Ocr => "ocr",
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
            Self::FacialRecognition | Self::Ocr => &["detection/model.onnx", "recognition/model.onnx"],
        }
    }

    /// Guesses the kind from a repository's file list, else from its name (Immich's face models
    /// are `buffalo_*` and `antelopev2`). OCR models have the same files as face models, so their
    /// names (`PP-OCRv5_mobile`, `EN__PP-OCRv5_mobile`, ...) decide first.
    pub fn detect<'a>(name: &str, files: impl IntoIterator<Item = &'a str>) -> Self {
        if name.to_ascii_lowercase().contains("pp-ocr") {
            return Self::Ocr;
        }
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
        if kind == ModelKind::Ocr {
            let (detection, recognition) = self.ocr_dirs(name);
            return detection.join("detection/model.onnx").is_file()
                && recognition.join("recognition/model.onnx").is_file();
        }
        let dir = self.model_dir(kind, name);
        kind.required_files().iter().all(|file| dir.join(file).is_file())
    }

    /// The folders holding `detection/` and `recognition/` of OCR model `name`. A language
    /// variant `{LANG}__{base}` uses its own detection model if it has one, else the base
    /// model's, as Immich does.
    pub fn ocr_dirs(&self, name: &str) -> (PathBuf, PathBuf) {
        let recognition = self.model_dir(ModelKind::Ocr, name);
        let base = name.rsplit("__").next().unwrap_or(name);
        let detection = if base != name && !recognition.join("detection/model.onnx").is_file() {
            self.model_dir(ModelKind::Ocr, base)
        } else {
            recognition.clone()
        };
        (detection, recognition)
    }

    pub fn ocr_installed(&self, name: &str) -> bool {
        self.installed(ModelKind::Ocr, name)
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
        for kind in [ModelKind::Clip, ModelKind::FacialRecognition, ModelKind::Ocr] {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"").unwrap();
    }

    #[test]
    fn ocr_names_are_ocr_whatever_their_files() {
        let files = ["detection/model.onnx", "recognition/model.onnx"];
        assert_eq!(ModelKind::detect("PP-OCRv5_mobile", files), ModelKind::Ocr);
        assert_eq!(ModelKind::detect("EN__PP-OCRv5_mobile", files), ModelKind::Ocr);
        assert_eq!(ModelKind::detect("buffalo_l", files), ModelKind::FacialRecognition);
    }

    #[test]
    fn language_variants_share_the_base_detection_model() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().to_path_buf());
        touch(&dir.path().join("ocr/PP-OCRv5_mobile/detection/model.onnx"));
        touch(&dir.path().join("ocr/PP-OCRv5_mobile/recognition/model.onnx"));
        touch(&dir.path().join("ocr/EN__PP-OCRv5_mobile/recognition/model.onnx"));

        let (detection, recognition) = store.ocr_dirs("EN__PP-OCRv5_mobile");
        assert_eq!(detection, dir.path().join("ocr/PP-OCRv5_mobile"));
        assert_eq!(recognition, dir.path().join("ocr/EN__PP-OCRv5_mobile"));
        let base = dir.path().join("ocr/PP-OCRv5_mobile");
        assert_eq!(store.ocr_dirs("PP-OCRv5_mobile"), (base.clone(), base));
        assert!(store.ocr_installed("EN__PP-OCRv5_mobile") && store.ocr_installed("PP-OCRv5_mobile"));
        assert!(!store.ocr_installed("LATIN__PP-OCRv5_mobile"));
        assert_eq!(
            store.list(),
            vec![(ModelKind::Ocr, "EN__PP-OCRv5_mobile".to_owned()), (ModelKind::Ocr, "PP-OCRv5_mobile".to_owned())]
        );

        // A variant with a detection model of its own uses it.
        touch(&dir.path().join("ocr/EN__PP-OCRv5_mobile/detection/model.onnx"));
        assert_eq!(store.ocr_dirs("EN__PP-OCRv5_mobile").0, dir.path().join("ocr/EN__PP-OCRv5_mobile"));
    }
}
