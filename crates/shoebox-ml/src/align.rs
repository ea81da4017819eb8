//! Face alignment for ArcFace: the similarity transform (rotation, uniform scale, translation)
//! that best maps a face's five landmarks onto ArcFace's 112×112 template, in the least-squares
//! sense, and a bilinear warp of the photo through it (black outside the photo).

use image::{Rgb, RgbImage};

pub(crate) const ALIGNED_SIDE: u32 = 112;

/// Where ArcFace expects eyes, nose tip and mouth corners in a 112×112 crop.
const ARCFACE_TEMPLATE: [[f32; 2]; 5] =
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]];

/// `[a, b, tx, ty]` for x' = a·x − b·y + tx, y' = b·x + a·y + ty.
type Similarity = [f32; 4];

/// Least-squares similarity transform from `from` to `to` (closed form, no reflection).
fn estimate_similarity(from: &[[f32; 2]; 5], to: &[[f32; 2]; 5]) -> Similarity {
    let mean = |points: &[[f32; 2]; 5]| {
        let sum = points.iter().fold([0.0f32; 2], |acc, p| [acc[0] + p[0], acc[1] + p[1]]);
        [sum[0] / 5.0, sum[1] / 5.0]
    };
    let (mean_from, mean_to) = (mean(from), mean(to));
    let (mut dot, mut cross, mut norm) = (0.0f32, 0.0f32, 0.0f32);
    for (p, q) in from.iter().zip(to) {
        let (px, py) = (p[0] - mean_from[0], p[1] - mean_from[1]);
        let (qx, qy) = (q[0] - mean_to[0], q[1] - mean_to[1]);
        dot += px * qx + py * qy;
        cross += px * qy - py * qx;
        norm += px * px + py * py;
    }
    if norm <= f32::EPSILON {
        return [1.0, 0.0, mean_to[0] - mean_from[0], mean_to[1] - mean_from[1]];
    }
    let (a, b) = (dot / norm, cross / norm);
    let tx = mean_to[0] - (a * mean_from[0] - b * mean_from[1]);
    let ty = mean_to[1] - (b * mean_from[0] + a * mean_from[1]);
    [a, b, tx, ty]
}

/// The 112×112 ArcFace crop of the face with these landmarks.
pub(crate) fn align_face(image: &RgbImage, landmarks: &[[f32; 2]; 5]) -> RgbImage {
    let [a, b, tx, ty] = estimate_similarity(landmarks, &ARCFACE_TEMPLATE);
    let det = a * a + b * b;
    let mut out = RgbImage::new(ALIGNED_SIDE, ALIGNED_SIDE);
    if det <= f32::EPSILON {
        return out;
    }
    // Each output pixel samples the photo at the inverse-transformed position.
    for (u, v, pixel) in out.enumerate_pixels_mut() {
        let (x, y) = (u as f32 - tx, v as f32 - ty);
        let sx = (a * x + b * y) / det;
        let sy = (-b * x + a * y) / det;
        *pixel = sample_bilinear(image, sx, sy);
    }
    out
}

fn sample_bilinear(image: &RgbImage, x: f32, y: f32) -> Rgb<u8> {
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    let get = |x: i64, y: i64| -> [f32; 3] {
        if x < 0 || y < 0 || x >= i64::from(image.width()) || y >= i64::from(image.height()) {
            return [0.0; 3];
        }
        let p = image.get_pixel(x as u32, y as u32);
        [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])]
    };
    let (p00, p10, p01, p11) = (get(x0, y0), get(x0 + 1, y0), get(x0, y0 + 1), get(x0 + 1, y0 + 1));
    Rgb(std::array::from_fn(|c| {
        let top = p00[c] * (1.0 - fx) + p10[c] * fx;
        let bottom = p01[c] * (1.0 - fx) + p11[c] * fx;
        (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_similarity() {
        // Rotate by 30°, scale by 2, shift by (5, -3).
        let (a, b) = (2.0 * 30f32.to_radians().cos(), 2.0 * 30f32.to_radians().sin());
        let to = ARCFACE_TEMPLATE.map(|[x, y]| [a * x - b * y + 5.0, b * x + a * y - 3.0]);
        let found = estimate_similarity(&ARCFACE_TEMPLATE, &to);
        for (got, want) in found.iter().zip([a, b, 5.0, -3.0]) {
            assert!((got - want).abs() < 1e-3, "{found:?}");
        }
    }

    #[test]
    fn template_landmarks_map_to_themselves() {
        let image = RgbImage::from_fn(112, 112, |x, y| Rgb([x as u8, y as u8, 0]));
        let aligned = align_face(&image, &ARCFACE_TEMPLATE);
        assert_eq!(aligned.get_pixel(40, 60), &Rgb([40, 60, 0]));
    }
}
