//! CLIP's text tower: a search query → a unit-length embedding in the same space as photos.
//!
//! The tokenizer is the model's own `textual/tokenizer.json` (BPE for real models, any model
//! type the `tokenizers` crate reads), padded and truncated to the context length in
//! `config.json` with the pad token from `tokenizer_config.json`, as Immich does.

use std::path::Path;

use ort::value::{Tensor, TensorElementType};
use tokenizers::{PaddingDirection, PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::MlError;
use crate::clip_config::{ClipConfig, TokenizerConfig, read_json};
use crate::clip_visual::split_rows;
use crate::runtime::ModelSession;

pub struct ClipTextual {
    model: ModelSession,
    tokenizer: Tokenizer,
    context_length: usize,
    canonicalize: bool,
    dimension: usize,
}

impl ClipTextual {
    /// Loads `textual/model.onnx` and its tokenizer from a CLIP model folder.
    pub fn load(model_dir: &Path, intra_threads: usize) -> Result<Self, MlError> {
        let config: ClipConfig = read_json(&model_dir.join("config.json"))?;
        let context_length = config.text_cfg.context_length;
        let tokenizer = load_tokenizer(&model_dir.join("textual"), context_length)?;
        let model = ModelSession::load(&model_dir.join("textual/model.onnx"), intra_threads)?;
        // Immich's exports take int32 token ids; open_clip's own exports take int64.
        if !matches!(model.input_type, TensorElementType::Int32 | TensorElementType::Int64) {
            return Err(MlError::InvalidModel(format!(
                "{}: text input {} is {:?}, expected int32 or int64 token ids",
                model_dir.display(),
                model.input_name,
                model.input_type
            )));
        }
        let canonicalize = config.text_cfg.canonicalize();
        Ok(Self { model, tokenizer, context_length, canonicalize, dimension: config.embed_dim })
    }

    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// The unit-length embedding of `text`.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, MlError> {
        let text = clean_text(text, self.canonicalize);
        let encoding =
            self.tokenizer.encode(text, true).map_err(|err| MlError::Inference(format!("tokenizer: {err}")))?;
        let ids = encoding.get_ids();
        if ids.len() != self.context_length {
            return Err(MlError::Inference(format!(
                "tokenizer gave {} ids, expected {}",
                ids.len(),
                self.context_length
            )));
        }
        let shape = [1, self.context_length];
        let input = match self.model.input_type {
            TensorElementType::Int32 => {
                let ids = ids.iter().map(|&id| i32::try_from(id).unwrap_or(i32::MAX)).collect::<Vec<_>>();
                Tensor::from_array((shape, ids)).map_err(MlError::inference)?.into_dyn()
            }
            _ => {
                let ids = ids.iter().map(|&id| i64::from(id)).collect::<Vec<_>>();
                Tensor::from_array((shape, ids)).map_err(MlError::inference)?.into_dyn()
            }
        };
        let outputs = self.model.run(input)?;
        let mut rows = split_rows(&outputs[0].data, 1, self.dimension)?;
        Ok(rows.remove(0))
    }
}

/// Whitespace collapsed to single spaces (as Immich does before tokenising); for models that ask
/// for it, ASCII punctuation removed and letters lowercased.
fn clean_text(text: &str, canonicalize: bool) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if canonicalize {
        text.chars().filter(|c| !c.is_ascii_punctuation()).collect::<String>().to_lowercase()
    } else {
        text
    }
}

fn load_tokenizer(textual_dir: &Path, context_length: usize) -> Result<Tokenizer, MlError> {
    let path = textual_dir.join("tokenizer.json");
    if !path.is_file() {
        return Err(MlError::ModelMissing { path });
    }
    let mut tokenizer =
        Tokenizer::from_file(&path).map_err(|err| MlError::InvalidModel(format!("{}: {err}", path.display())))?;
    let config_path = textual_dir.join("tokenizer_config.json");
    let pad_token = if config_path.is_file() { read_json::<TokenizerConfig>(&config_path)?.pad_token() } else { None };
    // OpenAI's CLIP pads with its end-of-text token; keep that as the fallback.
    let pad_token = pad_token.unwrap_or_else(|| "<|endoftext|>".to_owned());
    let pad_id = tokenizer.token_to_id(&pad_token).ok_or_else(|| {
        MlError::InvalidModel(format!("{}: pad token {pad_token:?} is not in the vocabulary", path.display()))
    })?;
    tokenizer
        .with_truncation(Some(TruncationParams { max_length: context_length, ..Default::default() }))
        .map_err(|err| MlError::InvalidModel(format!("{}: {err}", path.display())))?;
    tokenizer.with_padding(Some(PaddingParams {
        strategy: PaddingStrategy::Fixed(context_length),
        direction: PaddingDirection::Right,
        pad_id,
        pad_token,
        ..Default::default()
    }));
    Ok(tokenizer)
}

#[cfg(test)]
mod tests {
    use super::clean_text;

    #[test]
    fn text_is_cleaned_like_immich() {
        assert_eq!(clean_text("  a\tred\n  car ", false), "a red car");
        assert_eq!(clean_text("A Red, car!", true), "a red car");
    }
}
