//! Face recognition with ArcFace (Immich's `recognition/model.onnx`): each detected face is
//! aligned to 112×112 by its landmarks, normalised to (x − 127.5)/127.5 in RGB order, and embedded
//! into a unit-length 512-d vector; faces of one photo run as one batch.

use std::path::Path;

use image::RgbImage;
use ort::value::Tensor;

use crate::MlError;
use crate::align::{ALIGNED_SIDE, align_face};
use crate::clip_visual::split_rows;
use crate::face_detector::DetectedFace;
use crate::runtime::ModelSession;

/// Faces per run; bounds memory on crowd photos (16 × 112² × 3 floats ≈ 2.4 MB).
const MAX_BATCH: usize = 16;

pub struct FaceRecognizer {
    model: ModelSession,
    dimension: usize,
}

impl FaceRecognizer {
    /// Loads `recognition/model.onnx` of a face model folder.
    pub fn load(model_dir: &Path, intra_threads: usize) -> Result<Self, MlError> {
        let path = model_dir.join("recognition/model.onnx");
        let model = ModelSession::load(&path, intra_threads)?;
        let side = i64::from(ALIGNED_SIDE);
        if model.input_shape.len() != 4 || model.input_shape[2..] != [side, side] {
            return Err(MlError::InvalidModel(format!(
                "{}: expected a 112×112 ArcFace input, found shape {:?}",
                path.display(),
                model.input_shape
            )));
        }
        Ok(Self { model, dimension: 512 })
    }

    /// Length of the embeddings.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// One unit-length embedding per face, in order.
    pub fn embed(&self, image: &RgbImage, faces: &[DetectedFace]) -> Result<Vec<Vec<f32>>, MlError> {
        let batch_size = if self.model.batches() { MAX_BATCH } else { 1 };
        let side = ALIGNED_SIDE as usize;
        let plane = side * side;
        let mut embeddings = Vec::with_capacity(faces.len());
        for batch in faces.chunks(batch_size) {
            let mut input = vec![0.0f32; batch.len() * 3 * plane];
            for (face, chunk) in batch.iter().zip(input.chunks_mut(3 * plane)) {
                let aligned = align_face(image, &face.landmarks);
                for (i, pixel) in aligned.pixels().enumerate() {
                    for channel in 0..3 {
                        chunk[channel * plane + i] = (f32::from(pixel[channel]) - 127.5) / 127.5;
                    }
                }
            }
            let tensor = Tensor::from_array(([batch.len(), 3, side, side], input)).map_err(MlError::inference)?;
            let outputs = self.model.run(tensor.into_dyn())?;
            embeddings.extend(split_rows(&outputs[0].data, batch.len(), self.dimension)?);
        }
        Ok(embeddings)
    }
}
