//! Face detection and recognition with the real SCRFD-500M and MobileFaceNet ArcFace models
//! (buffalo_s layout from deploy/local/clip-test-model) on real photos.

use crate::common;

use image::RgbImage;
use shoebox_ml::{DetectedFace, FaceDetector, FaceRecognizer, cosine_similarity};

fn models() -> (FaceDetector, FaceRecognizer) {
    common::init_runtime();
    let dir = common::models_dir().join("facial-recognition/buffalo_s");
    (FaceDetector::load(&dir, 1, 0.7).unwrap(), FaceRecognizer::load(&dir, 1).unwrap())
}

fn only_face(detector: &FaceDetector, recognizer: &FaceRecognizer, name: &str) -> Vec<f32> {
    let photo = common::photo(name);
    let faces = detector.detect(&photo).unwrap();
    assert_eq!(faces.len(), 1, "{name}: {faces:?}");
    check_plausible(&photo, &faces[0]);
    recognizer.embed(&photo, &faces).unwrap().remove(0)
}

/// Inside the photo, a sensible size, scoring above the minimum, with its landmarks inside the box.
fn check_plausible(photo: &RgbImage, face: &DetectedFace) {
    let [x1, y1, x2, y2] = face.bbox;
    assert!(0.0 <= x1 && x1 < x2 && x2 <= photo.width() as f32, "{face:?}");
    assert!(0.0 <= y1 && y1 < y2 && y2 <= photo.height() as f32, "{face:?}");
    assert!(x2 - x1 >= 10.0 && y2 - y1 >= 10.0, "tiny box {face:?}");
    assert!(face.score >= 0.7 && face.score <= 1.0);
    for [x, y] in face.landmarks {
        assert!(x1 <= x && x <= x2 && y1 <= y && y <= y2, "landmark outside its box: {face:?}");
    }
    // Eyes above the mouth, left eye left of the right eye.
    let [left_eye, right_eye, _, left_mouth, right_mouth] = face.landmarks;
    assert!(left_eye[0] < right_eye[0] && left_mouth[0] < right_mouth[0], "{face:?}");
    assert!(left_eye[1] < left_mouth[1] && right_eye[1] < right_mouth[1], "{face:?}");
}

#[test]
fn the_same_person_matches_across_photos() {
    let (detector, recognizer) = models();
    let obama = ["obama.jpg", "obama2.jpg", "obama3.jpg"].map(|name| only_face(&detector, &recognizer, name));
    for v in &obama {
        assert_eq!(v.len(), 512);
        assert!((v.iter().map(|x| x * x).sum::<f32>().sqrt() - 1.0).abs() < 1e-4);
    }
    for i in 0..3 {
        for j in i + 1..3 {
            let similarity = cosine_similarity(&obama[i], &obama[j]);
            assert!(similarity > 0.5, "obama {i} vs {j}: {similarity}");
        }
    }
    let biden = only_face(&detector, &recognizer, "biden.jpg");
    for (i, v) in obama.iter().enumerate() {
        let similarity = cosine_similarity(&biden, v);
        assert!(similarity < 0.3, "biden vs obama {i}: {similarity}");
    }
}

#[test]
fn a_group_photo_has_three_plausible_faces() {
    let (detector, recognizer) = models();
    let photo = common::photo("gdp.jpg");
    let faces = detector.detect(&photo).unwrap();
    assert_eq!(faces.len(), 3, "{faces:?}");
    for face in &faces {
        check_plausible(&photo, face);
    }
    assert!(faces.windows(2).all(|w| w[0].score >= w[1].score), "best first");
    // Batched embeddings equal one-by-one embeddings, and three people differ.
    let batched = recognizer.embed(&photo, &faces).unwrap();
    for (face, from_batch) in faces.iter().zip(&batched) {
        let single = recognizer.embed(&photo, std::slice::from_ref(face)).unwrap().remove(0);
        assert!(cosine_similarity(&single, from_batch) > 0.9999);
    }
    for i in 0..3 {
        for j in i + 1..3 {
            assert!(cosine_similarity(&batched[i], &batched[j]) < 0.3);
        }
    }
}

#[test]
fn blank_and_faceless_photos_have_no_faces() {
    let (detector, recognizer) = models();
    let blank = RgbImage::from_pixel(800, 600, image::Rgb([128, 128, 128]));
    assert!(detector.detect(&blank).unwrap().is_empty());
    assert!(detector.detect(&RgbImage::new(1, 1)).unwrap().is_empty());
    assert!(detector.detect(&common::photo("coffee.png")).unwrap().is_empty());
    assert!(recognizer.embed(&blank, &[]).unwrap().is_empty());
}

#[test]
fn boxes_are_in_the_input_image_pixels() {
    let (detector, _) = models();
    let photo = common::photo("obama.jpg");
    let face = detector.detect(&photo).unwrap().remove(0);
    // The same photo at half size gives the same face at half the coordinates.
    let half =
        image::imageops::resize(&photo, photo.width() / 2, photo.height() / 2, image::imageops::FilterType::Triangle);
    let small = detector.detect(&half).unwrap().remove(0);
    for (big, small) in face.bbox.iter().zip(small.bbox) {
        assert!((big / 2.0 - small).abs() < 8.0, "{:?} vs {:?}", face.bbox, small);
    }
}
