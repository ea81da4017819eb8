//! Text detection with PP-OCR's DB model (Immich's `ocr/{name}/detection/model.onnx`).
//!
//! The photo is scaled so that its shorter side is at most the maximum resolution (never up),
//! each side rounded to a multiple of 32 (the network's stride), with Lanczos; then normalised
//! to (x/255 − 0.5)/0.5 in BGR order, PaddleOCR's convention. The model answers a text
//! probability map of the same size. Post-processing follows PaddleOCR's DB ("differentiable
//! binarization") with Immich's settings: threshold the map at 0.3, dilate by 2×2, trace the
//! outer contour of each region, take its minimum-area rotated rectangle, score it by the mean
//! probability inside, drop it below the minimum score, grow it by the unclip distance and map
//! it back to the photo's pixels.

use std::path::Path;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{GrayImage, Luma, RgbImage};
use imageproc::contours::{BorderType, find_contours};
use imageproc::drawing::draw_polygon_mut;
use imageproc::geometry::min_area_rect;
use imageproc::point::Point;
use ort::value::{Tensor, TensorElementType};

use crate::MlError;
use crate::runtime::ModelSession;

/// Sides of the model's input are multiples of this.
const STRIDE: u32 = 32;
/// Photos narrower or lower than this have no text worth finding (as in Immich).
const MIN_IMAGE_SIDE: u32 = 32;
/// Probability above which a map pixel is text.
const BINARY_THRESHOLD: f32 = 0.3;
/// How far a box grows, relative to its area over its perimeter: the model is trained on
/// shrunk text regions.
const UNCLIP_RATIO: f32 = 1.6;
/// Regions looked at per photo.
const MAX_CANDIDATES: usize = 1000;
/// Boxes whose shorter side is smaller (in map pixels) are noise.
const MIN_SIDE: f32 = 3.0;

/// Four corners: top-left, top-right, bottom-right, bottom-left.
pub(crate) type Quad = [[f32; 2]; 4];

/// One text region in the photo's pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DetectedText {
    pub corners: Quad,
    /// Mean text probability inside the region.
    pub score: f32,
}

pub(crate) struct TextDetector {
    model: ModelSession,
}

impl TextDetector {
    pub fn load(path: &Path, intra_threads: usize) -> Result<Self, MlError> {
        let model = ModelSession::load(path, intra_threads)?;
        if model.input_type != TensorElementType::Float32 || model.input_shape.len() != 4 || model.input_shape[1] != 3 {
            return Err(MlError::InvalidModel(format!(
                "{}: expected a PP-OCR detection model taking float32 [N,3,H,W], found {:?} {:?}",
                path.display(),
                model.input_type,
                model.input_shape
            )));
        }
        Ok(Self { model })
    }

    /// Text regions scoring at least `min_score`, in no particular order.
    pub fn detect(&self, image: &RgbImage, max_resolution: u32, min_score: f32) -> Result<Vec<DetectedText>, MlError> {
        let (width, height) = image.dimensions();
        if width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE {
            return Ok(Vec::new());
        }
        let (input_width, input_height) = input_size(width, height, max_resolution);
        let input = to_input(image, input_width, input_height)?;
        let shape = [1, 3, input_height as usize, input_width as usize];
        let tensor = Tensor::from_array((shape, input)).map_err(MlError::inference)?;
        let outputs = self.model.run(tensor.into_dyn())?;
        let map = &outputs[0];
        if map.data.len() != (input_width * input_height) as usize {
            return Err(MlError::InvalidModel(format!(
                "detection model answered shape {:?} for a {input_width}×{input_height} input",
                map.shape
            )));
        }
        Ok(boxes_from_map(&map.data, (input_width, input_height), (width, height), min_score))
    }
}

/// The model's input size: the shorter side scaled down to `max_resolution`, each side then
/// rounded to the nearest multiple of 32 (halves to even, as Python's `round`).
fn input_size(width: u32, height: u32, max_resolution: u32) -> (u32, u32) {
    let ratio = (f64::from(max_resolution) / f64::from(width.min(height))).min(1.0);
    let side = |length: u32| {
        let scaled = (f64::from(length) * ratio).trunc();
        ((scaled / f64::from(STRIDE)).round_ties_even() as u32 * STRIDE).max(STRIDE)
    };
    (side(width), side(height))
}

/// The photo resized to the input size, as planar normalised BGR.
fn to_input(image: &RgbImage, width: u32, height: u32) -> Result<Vec<f32>, MlError> {
    let mut resized = RgbImage::new(width, height);
    Resizer::new()
        .resize(image, &mut resized, &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3)))
        .map_err(|err| MlError::Inference(format!("resize: {err}")))?;
    let plane = (width * height) as usize;
    let mut input = vec![0.0f32; 3 * plane];
    for (i, pixel) in resized.pixels().enumerate() {
        for (channel, value) in pixel.0.iter().rev().enumerate() {
            input[channel * plane + i] = f32::from(*value) / 127.5 - 1.0;
        }
    }
    Ok(input)
}

/// DB post-processing of a probability map of `map` size into boxes in `image` pixels.
fn boxes_from_map(probabilities: &[f32], map: (u32, u32), image: (u32, u32), min_score: f32) -> Vec<DetectedText> {
    let bitmap = binarize(probabilities, map.0, map.1);
    let mut found = Vec::new();
    let contours = find_contours::<i32>(&bitmap);
    for contour in contours.iter().filter(|c| c.border_type == BorderType::Outer).take(MAX_CANDIDATES) {
        let rect = rotated_rect(&contour.points);
        if short_side(&rect) < MIN_SIDE {
            continue;
        }
        let score = mean_inside(probabilities, map, &rect);
        if score < min_score {
            continue;
        }
        let grown = unclip(&rect, UNCLIP_RATIO);
        if short_side(&grown) < MIN_SIDE + 2.0 {
            continue;
        }
        if let Some(corners) = to_image(&grown, map, image) {
            found.push(DetectedText { corners, score });
        }
    }
    found
}

/// Sub-pixel steps of [`rotated_rect`].
const SUBPIXEL: i64 = 16;

/// The minimum-area rotated rectangle around the points, corners ordered from the top-left.
/// imageproc rounds the corners outward to whole units; computing in 1/16 pixel keeps them
/// as tight as OpenCV's (which PaddleOCR uses), and so the box scores alike.
fn rotated_rect(points: &[Point<i32>]) -> Quad {
    let fine: Vec<Point<i64>> =
        points.iter().map(|p| Point::new(i64::from(p.x) * SUBPIXEL, i64::from(p.y) * SUBPIXEL)).collect();
    min_area_rect(&fine).map(|p| [p.x as f32 / SUBPIXEL as f32, p.y as f32 / SUBPIXEL as f32])
}

/// Text pixels, dilated by a 2×2 square as PaddleOCR does (OpenCV's anchor is the kernel's
/// bottom-right cell: a pixel is set when it, its left, upper or upper-left neighbour is text).
fn binarize(probabilities: &[f32], width: u32, height: u32) -> GrayImage {
    let text = |x: u32, y: u32| probabilities[(y * width + x) as usize] > BINARY_THRESHOLD;
    GrayImage::from_fn(width, height, |x, y| {
        let left = x > 0 && text(x - 1, y);
        let up = y > 0 && text(x, y - 1);
        let diagonal = x > 0 && y > 0 && text(x - 1, y - 1);
        Luma([if text(x, y) || left || up || diagonal { 255 } else { 0 }])
    })
}

fn distance(a: [f32; 2], b: [f32; 2]) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

fn short_side(quad: &Quad) -> f32 {
    distance(quad[0], quad[1]).min(distance(quad[1], quad[2]))
}

/// Mean probability inside the quadrilateral (PaddleOCR's "fast" score: the polygon filled
/// over its bounding box, corners truncated to whole pixels).
fn mean_inside(probabilities: &[f32], (width, height): (u32, u32), quad: &Quad) -> f32 {
    let bound = |values: [f32; 4], max: u32| {
        let low = values.iter().copied().fold(f32::INFINITY, f32::min).floor();
        let high = values.iter().copied().fold(f32::NEG_INFINITY, f32::max).ceil();
        let clamp = |v: f32| (v.max(0.0) as u32).min(max - 1);
        (clamp(low), clamp(high))
    };
    let (x_min, x_max) = bound(quad.map(|p| p[0]), width);
    let (y_min, y_max) = bound(quad.map(|p| p[1]), height);
    let mut mask = GrayImage::new(x_max - x_min + 1, y_max - y_min + 1);
    let mut polygon: Vec<Point<i32>> =
        quad.iter().map(|p| Point::new((p[0] - x_min as f32) as i32, (p[1] - y_min as f32) as i32)).collect();
    polygon.dedup();
    if polygon.len() > 1 && polygon.first() == polygon.last() {
        polygon.pop();
    }
    if polygon.len() < 2 {
        return 0.0;
    }
    draw_polygon_mut(&mut mask, &polygon, Luma([1]));
    let (mut sum, mut count) = (0.0f64, 0u32);
    for (x, y, value) in mask.enumerate_pixels() {
        if value[0] != 0 {
            sum += f64::from(probabilities[((y + y_min) * width + x + x_min) as usize]);
            count += 1;
        }
    }
    if count == 0 { 0.0 } else { (sum / f64::from(count)) as f32 }
}

/// Grows a rectangle by distance area × ratio / perimeter on every side. PaddleOCR offsets the
/// polygon with round joins and takes the minimum-area rectangle of the result, which for a
/// rectangle is exactly this: the rounded corners stay inside the grown rectangle.
pub(crate) fn unclip(rect: &Quad, ratio: f32) -> Quad {
    let (width, height) = (distance(rect[0], rect[1]), distance(rect[0], rect[3]));
    if width <= 0.0 || height <= 0.0 {
        return *rect;
    }
    let offset = width * height * ratio / (2.0 * (width + height));
    let centre = [(rect[0][0] + rect[2][0]) / 2.0, (rect[0][1] + rect[2][1]) / 2.0];
    let along = [(rect[1][0] - rect[0][0]) / width, (rect[1][1] - rect[0][1]) / width];
    let across = [(rect[3][0] - rect[0][0]) / height, (rect[3][1] - rect[0][1]) / height];
    let (half_w, half_h) = (width / 2.0 + offset, height / 2.0 + offset);
    let corner = |a: f32, b: f32| {
        [
            centre[0] + a * half_w * along[0] + b * half_h * across[0],
            centre[1] + a * half_w * along[1] + b * half_h * across[1],
        ]
    };
    [corner(-1.0, -1.0), corner(1.0, -1.0), corner(1.0, 1.0), corner(-1.0, 1.0)]
}

/// Orders corners as top-left, top-right, bottom-right, bottom-left: the two leftmost are the
/// left side (upper one first), the two rightmost the right side.
pub(crate) fn order_corners(quad: &Quad) -> Quad {
    let mut points = *quad;
    points.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let (left, right) = points.split_at_mut(2);
    left.sort_by(|a, b| a[1].total_cmp(&b[1]));
    right.sort_by(|a, b| a[1].total_cmp(&b[1]));
    [left[0], right[0], right[1], left[1]]
}

/// Maps a box from map pixels to whole photo pixels inside the photo; `None` when it ends up
/// too thin to read (3 pixels or less across).
fn to_image(quad: &Quad, map: (u32, u32), (width, height): (u32, u32)) -> Option<Quad> {
    let scale = |value: f32, map_side: u32, side: u32| {
        let scaled = (value / map_side as f32 * side as f32).round_ties_even();
        // `<=` also turns −0.0 into 0.
        if scaled <= 0.0 { 0.0 } else { scaled.min((side - 1) as f32) }
    };
    let corners = order_corners(&quad.map(|[x, y]| [scale(x, map.0, width), scale(y, map.1, height)]));
    let thin = distance(corners[0], corners[1]).trunc() <= 3.0 || distance(corners[0], corners[3]).trunc() <= 3.0;
    (!thin).then_some(corners)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_sides_are_multiples_of_32_with_the_shorter_side_capped() {
        // A 12 MP photo: shorter side 3024 → 736, longer 4032 → 981 → 992.
        assert_eq!(input_size(4032, 3024, 736), (992, 736));
        assert_eq!(input_size(3024, 4032, 736), (736, 992));
        // Never scaled up; 191 → 192, 384 stays. Halves round to even: 80 = 2.5 × 32 → 64.
        assert_eq!(input_size(384, 191, 736), (384, 192));
        assert_eq!(input_size(80, 48, 736), (64, 64));
        assert_eq!(input_size(33, 40, 736), (32, 32));
    }

    #[test]
    fn input_is_planar_bgr_in_minus_one_to_one() {
        let image = RgbImage::from_pixel(64, 32, image::Rgb([255, 0, 51]));
        let input = to_input(&image, 64, 32).unwrap();
        let plane = 64 * 32;
        assert!((input[0] + 0.6).abs() < 1e-6, "blue first: {}", input[0]);
        assert!((input[plane] + 1.0).abs() < 1e-6, "green");
        assert!((input[2 * plane] - 1.0).abs() < 1e-6, "red last");
    }

    #[test]
    fn unclip_grows_every_side_by_area_times_ratio_over_perimeter() {
        let rect = [[10.0, 20.0], [50.0, 20.0], [50.0, 30.0], [10.0, 30.0]];
        // 40 × 10: offset = 400 × 1.5 / 100 = 6.
        let grown = unclip(&rect, 1.5);
        assert_eq!(grown, [[4.0, 14.0], [56.0, 14.0], [56.0, 36.0], [4.0, 36.0]]);
        // Rotated by 90° the same box grows the same way.
        let turned = [[0.0, 0.0], [0.0, 40.0], [-10.0, 40.0], [-10.0, 0.0]];
        let grown = unclip(&turned, 1.5);
        let expected = [[6.0, -6.0], [6.0, 46.0], [-16.0, 46.0], [-16.0, -6.0]];
        for (got, want) in grown.iter().zip(expected) {
            assert!(distance(*got, want) < 1e-4, "{grown:?}");
        }
    }

    #[test]
    fn corners_are_ordered_clockwise_from_top_left() {
        let shuffled = [[50.0, 30.0], [10.0, 20.0], [10.0, 30.0], [50.0, 20.0]];
        assert_eq!(order_corners(&shuffled), [[10.0, 20.0], [50.0, 20.0], [50.0, 30.0], [10.0, 30.0]]);
        // A slightly rotated box keeps its top-left first.
        let tilted = [[12.0, 30.0], [52.0, 26.0], [10.0, 20.0], [50.0, 16.0]];
        assert_eq!(order_corners(&tilted), [[10.0, 20.0], [50.0, 16.0], [52.0, 26.0], [12.0, 30.0]]);
    }

    /// A probability map with one bright tilted bar and one faint blob.
    fn map_with_bar() -> (Vec<f32>, (u32, u32)) {
        let (width, height) = (160u32, 64u32);
        let mut map = vec![0.0f32; (width * height) as usize];
        for y in 0..height {
            for x in 0..width {
                // A bar from (20, 20) to (120, 30), 8 pixels thick.
                let centre = 20.0 + (x as f32 - 20.0) * 0.1;
                if (20..=120).contains(&x) && (y as f32 - centre).abs() <= 4.0 {
                    map[(y * width + x) as usize] = 0.9;
                }
                if (140..=150).contains(&x) && (40..=50).contains(&y) {
                    map[(y * width + x) as usize] = 0.35;
                }
            }
        }
        (map, (width, height))
    }

    #[test]
    fn a_bar_in_the_map_becomes_one_grown_box_in_photo_pixels() {
        let (map, size) = map_with_bar();
        // The photo is twice the map's size.
        let found = boxes_from_map(&map, size, (320, 128), 0.5);
        assert_eq!(found.len(), 1, "the faint blob scores 0.294, below 0.5: {found:?}");
        let DetectedText { corners, score } = &found[0];
        // OpenCV's rectangle gives PaddleOCR 0.715 on this map: the rectangle takes in the
        // dilated rim and the bar's staircase edges, where the map is 0.
        assert!((score - 0.715).abs() < 0.005, "{score}");
        // Around (40..240, 40..60) doubled, grown by a few pixels, tilted down to the right.
        let [tl, tr, br, bl] = *corners;
        assert!(tl[0] < 40.0 && tl[0] > 20.0 && tr[0] > 240.0 && tr[0] < 260.0, "{corners:?}");
        assert!(tr[1] > tl[1] + 10.0 && br[1] > bl[1] + 10.0, "tilted: {corners:?}");
        assert!(bl[1] > tl[1] && br[1] > tr[1], "{corners:?}");
        // With a low minimum the blob is found too.
        assert_eq!(boxes_from_map(&map, size, (320, 128), 0.25).len(), 2);
    }

    #[test]
    fn an_empty_map_has_no_boxes_and_specks_are_dropped() {
        let (width, height) = (64u32, 64u32);
        let mut map = vec![0.0f32; (width * height) as usize];
        assert!(boxes_from_map(&map, (width, height), (64, 64), 0.5).is_empty());
        map[(10 * width + 10) as usize] = 1.0;
        assert!(boxes_from_map(&map, (width, height), (64, 64), 0.5).is_empty());
    }

    #[test]
    fn dilation_reaches_right_and_down() {
        let mut map = vec![0.0f32; 16];
        map[5] = 1.0; // (1, 1)
        let bitmap = binarize(&map, 4, 4);
        let on: Vec<(u32, u32)> = bitmap.enumerate_pixels().filter(|p| p.2[0] != 0).map(|p| (p.0, p.1)).collect();
        assert_eq!(on, vec![(1, 1), (2, 1), (1, 2), (2, 2)]);
    }
}
