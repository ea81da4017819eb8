//! Text recognition with PP-OCR's CRNN/SVTR model (Immich's `ocr/{name}/recognition/model.onnx`).
//!
//! Each detected box is cut out of the photo with a perspective warp to an upright rectangle
//! (turned a quarter counter-clockwise when it is much taller than wide: vertical text), scaled
//! to a height of 48 and run in batches of similar widths, padded to at least 320 wide, in BGR
//! normalised to (x/255 − 0.5)/0.5. The model answers, per column step, probabilities over the
//! character dictionary; greedy CTC decoding keeps each step's most likely class, merges repeats
//! and drops blanks. A line's score is the mean probability of the characters it kept.
//!
//! The dictionary comes from the model's `character` metadata (one character per line, as in
//! RapidOCR's ONNX exports, which Immich downloads), else from `dict.txt` beside the model.
//! Class 0 is the CTC blank and the last class a space, around the dictionary's own entries.

use std::path::Path;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{Rgb, RgbImage};
use imageproc::geometric_transformations::{Border, Interpolation, Projection, rotate270, warp_into};
use ort::value::{Tensor, TensorElementType};

use crate::MlError;
use crate::runtime::ModelSession;
use crate::text_detector::Quad;

/// Height of the model's input.
const INPUT_HEIGHT: u32 = 48;
/// Narrowest input: short words are padded to this width (PaddleOCR's 3×48×320).
const MIN_INPUT_WIDTH: u32 = 320;
/// Crops per run, as Immich's default: crops are sorted by shape first, so a batch pads little.
const MAX_BATCH: usize = 6;
/// Crops this much taller than wide hold vertical text.
const VERTICAL_RATIO: f32 = 1.5;
/// Metadata key of the dictionary in RapidOCR's exports.
const DICTIONARY_KEY: &str = "character";
/// The dictionary file looked for beside a model without that metadata.
const DICTIONARY_FILE: &str = "dict.txt";

pub(crate) struct TextRecognizer {
    model: ModelSession,
    /// Text of each output class: the blank (empty) first, the dictionary, then a space.
    classes: Vec<String>,
}

impl TextRecognizer {
    pub fn load(path: &Path, intra_threads: usize) -> Result<Self, MlError> {
        let model = ModelSession::load(path, intra_threads)?;
        let height = i64::from(INPUT_HEIGHT);
        if model.input_type != TensorElementType::Float32
            || model.input_shape.len() != 4
            || model.input_shape[1] != 3
            || model.input_shape[2] != height
        {
            return Err(MlError::InvalidModel(format!(
                "{}: expected a PP-OCR recognition model taking float32 [N,3,48,W], found {:?} {:?}",
                path.display(),
                model.input_type,
                model.input_shape
            )));
        }
        let dictionary = match model.metadata(DICTIONARY_KEY) {
            Some(text) => parse_dictionary(text),
            None => {
                let file = path.with_file_name(DICTIONARY_FILE);
                let text = std::fs::read_to_string(&file).map_err(|err| {
                    MlError::InvalidModel(format!(
                        "{}: no `{DICTIONARY_KEY}` metadata and no readable {} ({err})",
                        path.display(),
                        file.display()
                    ))
                })?;
                parse_dictionary(&text)
            }
        };
        let classes = classes(dictionary);
        // A dictionary that does not fit the model would shift every character.
        let declared = model.output_shapes.first().and_then(|shape| shape.last().copied()).unwrap_or(-1);
        if declared > 0 && declared as usize != classes.len() {
            return Err(MlError::InvalidModel(format!(
                "{}: the model has {declared} classes but its dictionary gives {} (blank + {} characters + space)",
                path.display(),
                classes.len(),
                classes.len() - 2
            )));
        }
        Ok(Self { model, classes })
    }

    /// Text and score for each box of the photo, in the boxes' order.
    pub fn recognize(&self, image: &RgbImage, boxes: &[Quad]) -> Result<Vec<(String, f32)>, MlError> {
        let crops: Vec<Option<RgbImage>> = boxes.iter().map(|quad| crop(image, quad)).collect();
        let ratio = |crop: &Option<RgbImage>| crop.as_ref().map_or(0.0, |c| c.width() as f32 / c.height() as f32);
        // Similar shapes together: each batch is padded to its widest crop.
        let mut order: Vec<usize> = (0..crops.len()).collect();
        order.sort_by(|&a, &b| ratio(&crops[a]).total_cmp(&ratio(&crops[b])));
        let mut results = vec![(String::new(), 0.0f32); crops.len()];
        for batch in order.chunks(MAX_BATCH) {
            let widest =
                batch.iter().map(|&i| ratio(&crops[i])).fold(MIN_INPUT_WIDTH as f32 / INPUT_HEIGHT as f32, f32::max);
            let width = (INPUT_HEIGHT as f32 * widest) as usize;
            let height = INPUT_HEIGHT as usize;
            let plane = height * width;
            // Padding is 0, mid-grey once normalised, as in PaddleOCR.
            let mut input = vec![0.0f32; batch.len() * 3 * plane];
            for (&index, chunk) in batch.iter().zip(input.chunks_mut(3 * plane)) {
                if let Some(crop) = &crops[index] {
                    write_input(crop, width, chunk)?;
                }
            }
            let tensor = Tensor::from_array(([batch.len(), 3, height, width], input)).map_err(MlError::inference)?;
            let outputs = self.model.run(tensor.into_dyn())?;
            let output = &outputs[0];
            let classes = self.classes.len();
            let per_crop = output.data.len() / batch.len().max(1);
            if output.data.len() % batch.len() != 0 || per_crop % classes != 0 {
                return Err(MlError::InvalidModel(format!(
                    "recognition model answered shape {:?}; expected [{}, steps, {classes}]",
                    output.shape,
                    batch.len()
                )));
            }
            for (&index, probabilities) in batch.iter().zip(output.data.chunks(per_crop)) {
                if crops[index].is_some() {
                    results[index] = ctc_greedy_decode(probabilities, classes, &self.classes);
                }
            }
        }
        Ok(results)
    }
}

/// One character per line; a final newline ends the last line rather than adding an empty one.
pub(crate) fn parse_dictionary(text: &str) -> Vec<String> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line).to_owned()).collect()
}

/// Output classes for a dictionary: CTC's blank first, the space PaddleOCR appends last.
fn classes(dictionary: Vec<String>) -> Vec<String> {
    let mut classes = Vec::with_capacity(dictionary.len() + 2);
    classes.push(String::new());
    classes.extend(dictionary);
    classes.push(" ".to_owned());
    classes
}

/// Greedy CTC decoding of `[steps, classes]` probabilities: the best class of each step, repeats
/// merged, blanks (class 0) dropped. The score is the mean probability of the kept steps (0 for
/// an empty line).
pub(crate) fn ctc_greedy_decode(probabilities: &[f32], classes: usize, text_of: &[String]) -> (String, f32) {
    let mut text = String::new();
    let (mut sum, mut kept) = (0.0f32, 0usize);
    let mut previous = None;
    for step in probabilities.chunks_exact(classes) {
        // The first of equal maxima, as numpy's argmax.
        let (best, probability) = step
            .iter()
            .enumerate()
            .fold((0, f32::NEG_INFINITY), |best, (i, &p)| if p > best.1 { (i, p) } else { best });
        if best != 0
            && previous != Some(best)
            && let Some(piece) = text_of.get(best)
        {
            text.push_str(piece);
            sum += probability;
            kept += 1;
        }
        previous = Some(best);
    }
    let score = if kept == 0 { 0.0 } else { sum / kept as f32 };
    (text, score)
}

/// The box cut out as an upright rectangle as wide and high as its longer sides; `None` when the
/// corners do not define a transform.
pub(crate) fn crop(image: &RgbImage, quad: &Quad) -> Option<RgbImage> {
    let side = |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let width = side(quad[0], quad[1]).max(side(quad[3], quad[2])) as u32;
    let height = side(quad[0], quad[3]).max(side(quad[1], quad[2])) as u32;
    if width == 0 || height == 0 {
        return None;
    }
    let (w, h) = (width as f32, height as f32);
    let projection =
        Projection::from_control_points(quad.map(|[x, y]| (x, y)), [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)])?;
    let mut out = RgbImage::new(width, height);
    warp_into(image, projection, Interpolation::Bicubic, Border::Constant(Rgb([0, 0, 0])), &mut out);
    if h / w >= VERTICAL_RATIO { Some(rotate270(&out)) } else { Some(out) }
}

/// Writes one crop, scaled to the input height (bilinear without smoothing, as OpenCV's resize),
/// into a `[3, 48, width]` slot as planar normalised BGR, left-aligned.
fn write_input(crop: &RgbImage, width: usize, out: &mut [f32]) -> Result<(), MlError> {
    let ratio = crop.width() as f32 / crop.height() as f32;
    let scaled = ((INPUT_HEIGHT as f32 * ratio).ceil() as usize).clamp(1, width);
    let mut resized = RgbImage::new(scaled as u32, INPUT_HEIGHT);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Interpolation(FilterType::Bilinear));
    Resizer::new().resize(crop, &mut resized, &options).map_err(|err| MlError::Inference(format!("resize: {err}")))?;
    let plane = INPUT_HEIGHT as usize * width;
    for (x, y, pixel) in resized.enumerate_pixels() {
        let i = y as usize * width + x as usize;
        for (channel, value) in pixel.0.iter().rev().enumerate() {
            out[channel * plane + i] = f32::from(*value) / 127.5 - 1.0;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alphabet() -> Vec<String> {
        classes(parse_dictionary("a\nb\nc\n"))
    }

    /// One-hot steps (0.9 on the class) for a sequence of class indices.
    fn steps(indices: &[usize], classes: usize) -> Vec<f32> {
        let mut out = vec![0.0; indices.len() * classes];
        for (step, &class) in indices.iter().enumerate() {
            out[step * classes..(step + 1) * classes].fill(0.1 / (classes - 1) as f32);
            out[step * classes + class] = 0.9;
        }
        out
    }

    #[test]
    fn the_dictionary_is_one_character_per_line_between_blank_and_space() {
        let classes = alphabet();
        assert_eq!(classes, ["", "a", "b", "c", " "]);
        // CRLF files and a missing final newline read the same; a space line is a character.
        assert_eq!(parse_dictionary("a\r\nb\r\n \r\n"), ["a", "b", " "]);
        assert_eq!(parse_dictionary("a\nb"), ["a", "b"]);
        assert_eq!(parse_dictionary("🇩🇪\n\u{3000}\n"), ["🇩🇪", "\u{3000}"]);
    }

    #[test]
    fn ctc_merges_repeats_and_drops_blanks() {
        let classes = alphabet();
        // a a _ a b b _ _ c ␣ c: adjacent repeats merge, a blank between keeps both.
        let probabilities = steps(&[1, 1, 0, 1, 2, 2, 0, 0, 3, 4, 3], classes.len());
        let (text, score) = ctc_greedy_decode(&probabilities, classes.len(), &classes);
        assert_eq!(text, "aabc c");
        assert!((score - 0.9).abs() < 1e-6, "{score}");
    }

    #[test]
    fn ctc_score_is_the_mean_of_the_kept_steps() {
        let classes = alphabet();
        let n = classes.len();
        let mut probabilities = steps(&[1, 0, 2], n);
        probabilities[1] = 0.5; // step 0: "a" at 0.5 (still the best class)
        probabilities[n + 1] = 0.4; // the blank's step does not count
        let (text, score) = ctc_greedy_decode(&probabilities, n, &classes);
        assert_eq!(text, "ab");
        assert!((score - 0.7).abs() < 1e-6, "{score}");
    }

    #[test]
    fn an_all_blank_line_is_empty_with_score_zero() {
        let classes = alphabet();
        assert_eq!(ctc_greedy_decode(&steps(&[0, 0, 0], classes.len()), classes.len(), &classes), (String::new(), 0.0));
    }

    #[test]
    fn crops_are_upright_and_vertical_text_is_turned() {
        // A photo whose pixels encode their own position.
        let image = RgbImage::from_fn(200, 100, |x, y| Rgb([x as u8, y as u8, 0]));
        // Sampling may land a hair off whole pixels, and values are truncated.
        let near = |pixel: &Rgb<u8>, x: u8, y: u8| pixel[0].abs_diff(x) <= 1 && pixel[1].abs_diff(y) <= 1;
        let flat = crop(&image, &[[20.0, 10.0], [120.0, 10.0], [120.0, 40.0], [20.0, 40.0]]).unwrap();
        assert_eq!(flat.dimensions(), (100, 30));
        assert!(near(flat.get_pixel(0, 0), 20, 10), "{:?}", flat.get_pixel(0, 0));
        assert!(near(flat.get_pixel(50, 15), 70, 25), "{:?}", flat.get_pixel(50, 15));
        // 20 wide, 60 high: vertical, turned a quarter counter-clockwise (its top edge goes left).
        let tall = crop(&image, &[[20.0, 10.0], [40.0, 10.0], [40.0, 70.0], [20.0, 70.0]]).unwrap();
        assert_eq!(tall.dimensions(), (60, 20));
        assert!(near(tall.get_pixel(0, 19), 20, 10), "{:?}", tall.get_pixel(0, 19));
        assert!(near(tall.get_pixel(59, 0), 39, 69), "{:?}", tall.get_pixel(59, 0));
    }

    #[test]
    fn inputs_are_scaled_to_48_high_left_aligned_in_bgr() {
        let crop = RgbImage::from_pixel(100, 24, Rgb([255, 0, 0]));
        let width = 320;
        let mut out = vec![0.0f32; 3 * 48 * width];
        write_input(&crop, width, &mut out).unwrap();
        let plane = 48 * width;
        // 100×24 → 200×48: red fills the left 200 columns of the last (R) plane; padding stays 0.
        assert_eq!(out[2 * plane + 10 * width + 199], 1.0);
        assert_eq!(out[10 * width + 199], -1.0);
        assert_eq!(out[2 * plane + 10 * width + 200], 0.0);
    }
}
