//! CLIP's image tower: photos → unit-length embeddings for smart search and duplicates.

use std::path::Path;

use image::RgbImage;
use ort::value::{Tensor, TensorElementType};

use crate::MlError;
use crate::clip_config::{ClipConfig, PreprocessConfig, read_json};
use crate::preprocess::ClipPreprocess;
use crate::runtime::ModelSession;
use crate::vector::l2_normalize;

/// Images per run: enough to amortise per-run overhead, small enough to bound memory
/// (a 224² batch of 8 is ~5 MB of input).
const MAX_BATCH: usize = 8;

pub struct ClipVisual {
    model: ModelSession,
    preprocess: ClipPreprocess,
    raw_input: bool,
    dimension: usize,
}

impl ClipVisual {
    /// Loads `visual/model.onnx` of a CLIP model folder (`{models_dir}/clip/{name}`).
    pub fn load(model_dir: &Path, intra_threads: usize) -> Result<Self, MlError> {
        let config: ClipConfig = read_json(&model_dir.join("config.json"))?;
        let preprocess_config: PreprocessConfig = read_json(&model_dir.join("visual/preprocess_cfg.json"))?;
        let model = ModelSession::load(&model_dir.join("visual/model.onnx"), intra_threads)?;
        // Classic exports take normalised float32 [N,3,H,W]; newer ones normalise inside the
        // graph and take the resized photo as bytes [N,H,W,3].
        let raw_input = match model.input_type {
            TensorElementType::Float32 => false,
            TensorElementType::Uint8 => true,
            other => {
                return Err(MlError::InvalidModel(format!(
                    "{}: visual input {} is {other:?}, expected float32 or uint8",
                    model_dir.display(),
                    model.input_name
                )));
            }
        };
        Ok(Self { model, preprocess: ClipPreprocess::new(&preprocess_config)?, raw_input, dimension: config.embed_dim })
    }

    /// Length of the embeddings (the model's `embed_dim`).
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// One unit-length embedding per image, in order. Images are resized, cropped and normalised
    /// as the model's `preprocess_cfg.json` says, and run in batches when the model allows it.
    pub fn embed(&self, images: &[RgbImage]) -> Result<Vec<Vec<f32>>, MlError> {
        let batch_size = if self.model.batches() { MAX_BATCH } else { 1 };
        let mut embeddings = Vec::with_capacity(images.len());
        for batch in images.chunks(batch_size) {
            let tensor = if self.raw_input {
                let mut input = Vec::with_capacity(batch.len() * self.preprocess.image_len());
                for image in batch {
                    self.preprocess.push_raw(image, &mut input)?;
                }
                Tensor::from_array((self.preprocess.raw_shape(batch.len()), input))
                    .map_err(MlError::inference)?
                    .into_dyn()
            } else {
                let mut input = Vec::with_capacity(batch.len() * self.preprocess.image_len());
                for image in batch {
                    self.preprocess.push(image, &mut input)?;
                }
                Tensor::from_array((self.preprocess.shape(batch.len()), input)).map_err(MlError::inference)?.into_dyn()
            };
            let outputs = self.model.run(tensor)?;
            embeddings.extend(split_rows(&outputs[0].data, batch.len(), self.dimension)?);
        }
        Ok(embeddings)
    }
}

/// Splits a `[rows, dimension]` output into unit-length rows, checking the size first.
pub(crate) fn split_rows(data: &[f32], rows: usize, dimension: usize) -> Result<Vec<Vec<f32>>, MlError> {
    if data.len() != rows * dimension {
        return Err(MlError::InvalidModel(format!(
            "model returned {} values for {rows} inputs; expected {dimension} each (config.json embed_dim)",
            data.len()
        )));
    }
    Ok(data.chunks(dimension).map(|row| l2_normalize(row.to_vec())).collect())
}
