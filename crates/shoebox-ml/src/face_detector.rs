//! Face detection with SCRFD (InsightFace's detector, Immich's `detection/model.onnx`).
//!
//! The photo is scaled to fit 640×640 (top-left, black padding), normalised to (x − 127.5)/128
//! in RGB order, and run once. SCRFD answers per stride (8, 16, 32) with a score, box distances
//! and five landmark offsets for two anchors per grid cell; boxes above the minimum score are
//! decoded, merged by non-maximum suppression (IoU 0.4) and scaled back to the photo's pixels.

use std::path::Path;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;
use ort::value::Tensor;

use crate::MlError;
use crate::runtime::{ModelSession, Output};

const INPUT_SIDE: u32 = 640;
const STRIDES: [u32; 3] = [8, 16, 32];
const ANCHORS_PER_CELL: usize = 2;
const NMS_IOU: f32 = 0.4;

/// One face in the photo given to [`FaceDetector::detect`].
#[derive(Debug, Clone, PartialEq)]
pub struct DetectedFace {
    /// `x1, y1, x2, y2` in the input image's pixels.
    pub bbox: [f32; 4],
    pub score: f32,
    /// Eyes (left, right as seen), nose tip, mouth corners (left, right).
    pub landmarks: [[f32; 2]; 5],
}

pub struct FaceDetector {
    model: ModelSession,
    min_score: f32,
}

impl FaceDetector {
    /// Loads `detection/model.onnx` of a face model folder (`{models_dir}/facial-recognition/{name}`).
    pub fn load(model_dir: &Path, intra_threads: usize, min_score: f32) -> Result<Self, MlError> {
        let model = ModelSession::load(&model_dir.join("detection/model.onnx"), intra_threads)?;
        if model.output_names.len() != 9 {
            return Err(MlError::InvalidModel(format!(
                "{}: expected SCRFD with landmarks (9 outputs), found {} outputs",
                model_dir.display(),
                model.output_names.len()
            )));
        }
        Ok(Self { model, min_score })
    }

    /// Faces scoring at least the minimum score, best first.
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<DetectedFace>, MlError> {
        if image.width() == 0 || image.height() == 0 {
            return Ok(Vec::new());
        }
        let (input, scale) = letterbox(image)?;
        let side = INPUT_SIDE as usize;
        let tensor = Tensor::from_array(([1, 3, side, side], input)).map_err(MlError::inference)?;
        let outputs = self.model.run(tensor.into_dyn())?;
        let mut faces = decode(&outputs, self.min_score)?;
        faces = non_maximum_suppression(faces, NMS_IOU);
        for face in &mut faces {
            face.bbox.iter_mut().for_each(|v| *v /= scale);
            face.landmarks.iter_mut().flatten().for_each(|v| *v /= scale);
            clamp_box(&mut face.bbox, image.width() as f32, image.height() as f32);
        }
        Ok(faces)
    }
}

/// The photo scaled to fit the input square (top-left), as planar normalised RGB, and the scale used.
fn letterbox(image: &RgbImage) -> Result<(Vec<f32>, f32), MlError> {
    let (width, height) = (image.width() as f32, image.height() as f32);
    let scale = (INPUT_SIDE as f32 / width).min(INPUT_SIDE as f32 / height);
    let new_width = ((width * scale) as u32).clamp(1, INPUT_SIDE);
    let new_height = ((height * scale) as u32).clamp(1, INPUT_SIDE);
    let mut resized = RgbImage::new(new_width, new_height);
    Resizer::new()
        .resize(image, &mut resized, &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear)))
        .map_err(|err| MlError::Inference(format!("resize: {err}")))?;
    let side = INPUT_SIDE as usize;
    let plane = side * side;
    // Padding is black, as in InsightFace: 0 normalises to −127.5/128.
    let mut input = vec![-127.5 / 128.0; 3 * plane];
    for (x, y, pixel) in resized.enumerate_pixels() {
        let i = y as usize * side + x as usize;
        for channel in 0..3 {
            input[channel * plane + i] = (f32::from(pixel[channel]) - 127.5) / 128.0;
        }
    }
    // Boxes are scaled back by the height ratio actually used, as InsightFace does.
    Ok((input, new_height as f32 / height))
}

/// SCRFD's nine outputs grouped by what they hold, each group ordered stride 8, 16, 32
/// (the finest grid has the most anchors). Grouping by shape rather than position keeps
/// exports with other output orders or names working.
fn decode(outputs: &[Output], min_score: f32) -> Result<Vec<DetectedFace>, MlError> {
    let group = |width: i64| {
        let mut found: Vec<&Output> = outputs.iter().filter(|o| o.shape.last() == Some(&width)).collect();
        found.sort_by_key(|o| std::cmp::Reverse(o.data.len()));
        found
    };
    let (scores, boxes, landmarks) = (group(1), group(4), group(10));
    if scores.len() != 3 || boxes.len() != 3 || landmarks.len() != 3 {
        return Err(MlError::InvalidModel("SCRFD outputs are not 3 × (scores, boxes, landmarks)".to_owned()));
    }
    let mut faces = Vec::new();
    for (level, &stride) in STRIDES.iter().enumerate() {
        let cells = (INPUT_SIDE / stride) as usize;
        let anchors = cells * cells * ANCHORS_PER_CELL;
        let (level_scores, level_boxes, level_marks) =
            (&scores[level].data, &boxes[level].data, &landmarks[level].data);
        if level_scores.len() != anchors || level_boxes.len() != anchors * 4 || level_marks.len() != anchors * 10 {
            return Err(MlError::InvalidModel(format!("SCRFD stride {stride}: expected {anchors} anchors")));
        }
        let stride = stride as f32;
        for (anchor, &score) in level_scores.iter().enumerate() {
            if score < min_score {
                continue;
            }
            let cell = anchor / ANCHORS_PER_CELL;
            let (cx, cy) = ((cell % cells) as f32 * stride, (cell / cells) as f32 * stride);
            let d = &level_boxes[anchor * 4..anchor * 4 + 4];
            let bbox = [cx - d[0] * stride, cy - d[1] * stride, cx + d[2] * stride, cy + d[3] * stride];
            let k = &level_marks[anchor * 10..anchor * 10 + 10];
            let landmarks = std::array::from_fn(|i| [cx + k[2 * i] * stride, cy + k[2 * i + 1] * stride]);
            faces.push(DetectedFace { bbox, score, landmarks });
        }
    }
    Ok(faces)
}

/// Keeps the best-scoring box of each overlapping group, best first.
fn non_maximum_suppression(mut faces: Vec<DetectedFace>, max_iou: f32) -> Vec<DetectedFace> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<DetectedFace> = Vec::new();
    for face in faces {
        if kept.iter().all(|k| iou(&k.bbox, &face.bbox) <= max_iou) {
            kept.push(face);
        }
    }
    kept
}

fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let overlap = [a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])];
    let intersection = area(&overlap);
    let union = area(a) + area(b) - intersection;
    if union <= 0.0 { 0.0 } else { intersection / union }
}

fn clamp_box(bbox: &mut [f32; 4], width: f32, height: f32) {
    bbox[0] = bbox[0].clamp(0.0, width);
    bbox[1] = bbox[1].clamp(0.0, height);
    bbox[2] = bbox[2].clamp(0.0, width);
    bbox[3] = bbox[3].clamp(0.0, height);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(bbox: [f32; 4], score: f32) -> DetectedFace {
        DetectedFace { bbox, score, landmarks: [[0.0; 2]; 5] }
    }

    #[test]
    fn overlapping_boxes_keep_the_best() {
        let faces = vec![face([0., 0., 10., 10.], 0.8), face([1., 1., 11., 11.], 0.9), face([50., 50., 60., 60.], 0.7)];
        let kept = non_maximum_suppression(faces, NMS_IOU);
        assert_eq!(kept.iter().map(|f| f.score).collect::<Vec<_>>(), vec![0.9, 0.7]);
    }

    #[test]
    fn iou_of_disjoint_and_identical_boxes() {
        assert_eq!(iou(&[0., 0., 1., 1.], &[2., 2., 3., 3.]), 0.0);
        assert!((iou(&[0., 0., 2., 2.], &[0., 0., 2., 2.]) - 1.0).abs() < 1e-6);
    }
}
