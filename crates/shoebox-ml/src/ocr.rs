//! OCR as Immich does it: PP-OCR text detection, then recognition of each detected line.
//!
//! Models live in Immich's layout, `{models_dir}/ocr/{name}/detection/model.onnx` and
//! `recognition/model.onnx` (Immich's default model is `PP-OCRv5_mobile`; see
//! [`ModelStore::ocr_dirs`](crate::ModelStore::ocr_dirs) for language variants). Immich runs
//! no text-orientation classifier, and neither does this.
//!
//! Results are lines of text with their four corners normalised to the photo (Immich's
//! `x1..y4`), in reading order: top to bottom, boxes whose tops are within 10 pixels of the
//! previous box's forming one line, read left to right. Immich means to sort so too, but its
//! sort indexes the line numbers in the wrong order, and pairs the sorted boxes with unsorted
//! detection scores; here each box keeps its own score.

use std::path::Path;

use image::RgbImage;

use crate::MlError;
use crate::text_detector::{DetectedText, TextDetector};
use crate::text_recognizer::TextRecognizer;

/// Boxes whose top-left corners are closer than this vertically (in photo pixels) share a line.
const LINE_GAP: f32 = 10.0;

/// What Immich's OCR settings control (`machineLearning.ocr` in its system config).
#[derive(Debug, Clone, PartialEq)]
pub struct OcrSettings {
    /// The photo's shorter side is scaled down to this for detection (never up).
    pub max_resolution: u32,
    /// Detected boxes with a lower mean text probability are dropped.
    pub min_detection_score: f32,
    /// Lines recognised with this score or lower are dropped.
    pub min_recognition_score: f32,
}

impl Default for OcrSettings {
    /// Immich's defaults.
    fn default() -> Self {
        Self { max_resolution: 736, min_detection_score: 0.5, min_recognition_score: 0.8 }
    }
}

/// One line of text found in a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub text: String,
    /// Mean probability of the recognised characters.
    pub text_score: f32,
    /// Mean text probability inside the detected box.
    pub box_score: f32,
    /// Top-left, top-right, bottom-right, bottom-left, as fractions (0..1) of the photo's width
    /// and height.
    pub corners: [[f32; 2]; 4],
}

/// A loaded detection and recognition model pair. `Send + Sync`: each model runs behind its
/// own lock, so two photos can be in different stages at once.
pub struct OcrEngine {
    detector: TextDetector,
    recognizer: TextRecognizer,
}

impl OcrEngine {
    /// Loads an OCR model folder (`{models_dir}/ocr/{name}`) holding both models.
    pub fn load(model_dir: &Path, intra_threads: usize) -> Result<Self, MlError> {
        Self::load_parts(model_dir, model_dir, intra_threads)
    }

    /// Loads `detection/model.onnx` from one folder and `recognition/model.onnx` (with its
    /// dictionary) from another, as [`ModelStore::ocr_dirs`](crate::ModelStore::ocr_dirs) names them.
    pub fn load_parts(detection_dir: &Path, recognition_dir: &Path, intra_threads: usize) -> Result<Self, MlError> {
        Ok(Self {
            detector: TextDetector::load(&detection_dir.join("detection/model.onnx"), intra_threads)?,
            recognizer: TextRecognizer::load(&recognition_dir.join("recognition/model.onnx"), intra_threads)?,
        })
    }

    /// The lines of text in `image` that pass both minimum scores, in reading order.
    pub fn read(&self, image: &RgbImage, settings: &OcrSettings) -> Result<Vec<TextLine>, MlError> {
        let mut boxes = self.detector.detect(image, settings.max_resolution, settings.min_detection_score)?;
        if boxes.is_empty() {
            return Ok(Vec::new());
        }
        reading_order(&mut boxes);
        let quads: Vec<_> = boxes.iter().map(|b| b.corners).collect();
        let texts = self.recognizer.recognize(image, &quads)?;
        let (width, height) = (image.width() as f32, image.height() as f32);
        Ok(boxes
            .into_iter()
            .zip(texts)
            .filter(|(_, (_, text_score))| *text_score > settings.min_recognition_score)
            .map(|(found, (text, text_score))| TextLine {
                text,
                text_score,
                box_score: found.score,
                corners: found.corners.map(|[x, y]| [x / width, y / height]),
            })
            .collect())
    }
}

/// Sorts boxes top to bottom by their top-left corners, then left to right within each line;
/// a new line starts where a box's top is `LINE_GAP` or more below the previous one's.
fn reading_order(boxes: &mut [DetectedText]) {
    boxes.sort_by(|a, b| a.corners[0][1].total_cmp(&b.corners[0][1]));
    let mut lines = Vec::with_capacity(boxes.len());
    let mut line = 0usize;
    for (i, found) in boxes.iter().enumerate() {
        if i > 0 && found.corners[0][1] - boxes[i - 1].corners[0][1] >= LINE_GAP {
            line += 1;
        }
        lines.push(line);
    }
    let mut keyed: Vec<(usize, DetectedText)> = lines.into_iter().zip(boxes.iter().cloned()).collect();
    keyed.sort_by(|(line_a, a), (line_b, b)| line_a.cmp(line_b).then(a.corners[0][0].total_cmp(&b.corners[0][0])));
    for (slot, (_, found)) in boxes.iter_mut().zip(keyed) {
        *slot = found;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f32, y: f32, score: f32) -> DetectedText {
        DetectedText { corners: [[x, y], [x + 50.0, y], [x + 50.0, y + 20.0], [x, y + 20.0]], score }
    }

    #[test]
    fn boxes_read_top_to_bottom_then_left_to_right() {
        // Two words on a slightly uneven first line, one on the next, given out of order.
        let mut boxes = vec![at(300.0, 104.0, 0.1), at(10.0, 200.0, 0.2), at(20.0, 98.0, 0.3), at(150.0, 100.0, 0.4)];
        reading_order(&mut boxes);
        let order: Vec<[f32; 2]> = boxes.iter().map(|b| b.corners[0]).collect();
        assert_eq!(order, [[20.0, 98.0], [150.0, 100.0], [300.0, 104.0], [10.0, 200.0]]);
        // Scores travel with their boxes.
        assert_eq!(boxes.iter().map(|b| b.score).collect::<Vec<_>>(), [0.3, 0.4, 0.1, 0.2]);
    }

    #[test]
    fn lines_chain_within_the_gap_and_split_at_it() {
        // Tops 0, 9, 18 chain into one line (each within 10 of the previous); 28 starts another.
        let mut boxes = vec![at(90.0, 0.0, 0.0), at(60.0, 9.0, 0.0), at(30.0, 18.0, 0.0), at(0.0, 28.0, 0.0)];
        reading_order(&mut boxes);
        let xs: Vec<f32> = boxes.iter().map(|b| b.corners[0][0]).collect();
        assert_eq!(xs, [30.0, 60.0, 90.0, 0.0]);
    }

    #[test]
    fn defaults_are_immichs() {
        let settings = OcrSettings::default();
        assert_eq!(settings.max_resolution, 736);
        assert_eq!((settings.min_detection_score, settings.min_recognition_score), (0.5, 0.8));
    }

    #[test]
    fn the_engine_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<OcrEngine>();
    }
}
