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

/// Real CLIP models ship byte-level BPE tokenizers; this one has the structure of OpenAI CLIP's
/// `tokenizer.json` (NFC + whitespace + lowercase normaliser, Unicode-class split regex,
/// byte-level pre-tokeniser, BPE with `</w>` word ends) and a vocabulary of a few words.
#[cfg(test)]
mod bpe_tests {
    use super::load_tokenizer;

    const SPLIT_PATTERN: &str =
        r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

    fn clip_like_tokenizer() -> serde_json::Value {
        let vocab = [
            "<|startoftext|>",
            "<|endoftext|>",
            "r",
            "e",
            "d",
            "c",
            "a",
            "d</w>",
            "r</w>",
            "re",
            "red</w>",
            "ca",
            "car</w>",
        ];
        let vocab: serde_json::Map<_, _> =
            vocab.iter().enumerate().map(|(i, token)| (token.to_string(), serde_json::json!(i))).collect();
        let special = |id: u32, content: &str| {
            serde_json::json!({"id": id, "content": content, "single_word": false, "lstrip": false,
                "rstrip": false, "normalized": false, "special": true})
        };
        serde_json::json!({
            "version": "1.0",
            "truncation": null,
            "padding": null,
            "added_tokens": [special(0, "<|startoftext|>"), special(1, "<|endoftext|>")],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
                {"type": "Lowercase"}
            ]},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": SPLIT_PATTERN}, "behavior": "Removed", "invert": true},
                {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}
            ]},
            "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", 1], "cls": ["<|startoftext|>", 0],
                "trim_offsets": false, "add_prefix_space": false},
            "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
            "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
                "end_of_word_suffix": "</w>", "fuse_unk": false, "byte_fallback": false, "vocab": vocab,
                "merges": ["r e", "re d</w>", "c a", "ca r</w>"]}
        })
    }

    #[test]
    fn a_clip_style_bpe_tokenizer_loads_pads_and_truncates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tokenizer.json"), clip_like_tokenizer().to_string()).unwrap();
        std::fs::write(dir.path().join("tokenizer_config.json"), r#"{"pad_token": "<|endoftext|>"}"#).unwrap();
        let tokenizer = load_tokenizer(dir.path(), 6).unwrap();
        let ids = tokenizer.encode("A  RED car", true).unwrap().get_ids().to_vec();
        // "a" is not in this vocabulary (a real one has every byte); the rest tokenises whole.
        assert_eq!(ids, [0, 10, 12, 1, 1, 1]);
        let long = tokenizer.encode("red red red red red red red", true).unwrap().get_ids().to_vec();
        assert_eq!(long, [0, 10, 10, 10, 10, 1], "truncated to the context length, end token kept");
    }
}
