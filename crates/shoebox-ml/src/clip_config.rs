//! The configuration files Immich publishes next to its CLIP models (open_clip's formats).

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::MlError;

/// `config.json` at the top of a CLIP model folder (only the fields used here).
#[derive(Debug, Deserialize)]
pub(crate) struct ClipConfig {
    pub embed_dim: usize,
    #[serde(default)]
    pub text_cfg: TextConfig,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TextConfig {
    #[serde(default = "default_context_length")]
    pub context_length: usize,
    /// `{"clean": "canonicalize"}` (SigLIP-style models): drop punctuation and lowercase.
    #[serde(default)]
    pub tokenizer_kwargs: Option<serde_json::Value>,
}

impl TextConfig {
    pub fn canonicalize(&self) -> bool {
        self.tokenizer_kwargs.as_ref().and_then(|kwargs| kwargs.get("clean")).and_then(|v| v.as_str())
            == Some("canonicalize")
    }
}

impl Default for TextConfig {
    fn default() -> Self {
        Self { context_length: default_context_length(), tokenizer_kwargs: None }
    }
}

fn default_context_length() -> usize {
    77
}

/// `visual/preprocess_cfg.json`: how a photo becomes the model's input.
#[derive(Debug, Deserialize)]
pub(crate) struct PreprocessConfig {
    pub size: Size,
    #[serde(default = "default_mean")]
    pub mean: [f32; 3],
    #[serde(default = "default_std")]
    pub std: [f32; 3],
    #[serde(default = "default_interpolation")]
    pub interpolation: String,
    #[serde(default = "default_resize_mode")]
    pub resize_mode: String,
    #[serde(default)]
    pub fill_color: u8,
}

/// open_clip writes the size either as one number or as `[height, width]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Size {
    Square(u32),
    HeightWidth([u32; 2]),
}

impl Size {
    pub fn width_height(&self) -> (u32, u32) {
        match *self {
            Size::Square(side) => (side, side),
            Size::HeightWidth([height, width]) => (width, height),
        }
    }
}

// OpenAI CLIP's normalisation, open_clip's default.
fn default_mean() -> [f32; 3] {
    [0.481_454_66, 0.457_827_5, 0.408_210_73]
}
fn default_std() -> [f32; 3] {
    [0.268_629_54, 0.261_302_6, 0.275_777_1]
}
fn default_interpolation() -> String {
    "bicubic".to_owned()
}
fn default_resize_mode() -> String {
    "shortest".to_owned()
}

/// `textual/tokenizer_config.json`: the padding token (a string, or an object with `content`).
#[derive(Debug, Deserialize)]
pub(crate) struct TokenizerConfig {
    pub pad_token: Option<serde_json::Value>,
}

impl TokenizerConfig {
    pub fn pad_token(&self) -> Option<String> {
        match self.pad_token.as_ref()? {
            serde_json::Value::String(token) => Some(token.clone()),
            serde_json::Value::Object(map) => map.get("content")?.as_str().map(str::to_owned),
            _ => None,
        }
    }
}

pub(crate) fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, MlError> {
    let text = std::fs::read(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => MlError::ModelMissing { path: path.to_path_buf() },
        _ => MlError::InvalidModel(format!("{}: {err}", path.display())),
    })?;
    serde_json::from_slice(&text).map_err(|err| MlError::InvalidModel(format!("{}: {err}", path.display())))
}
