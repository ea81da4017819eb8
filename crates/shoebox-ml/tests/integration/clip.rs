//! CLIP with the test model from deploy/local/clip-test-model: colour words and photos of that
//! colour share directions, so text search results are checkable.

use crate::common;

use image::{Rgb, RgbImage};
use shoebox_ml::{ClipTextual, ClipVisual, MlError, cosine_similarity};

const COLOURS: [(&str, [u8; 3]); 8] = [
    ("red", [255, 0, 0]),
    ("green", [0, 255, 0]),
    ("blue", [0, 0, 255]),
    ("yellow", [255, 255, 0]),
    ("orange", [255, 128, 0]),
    ("purple", [128, 0, 128]),
    ("white", [255, 255, 255]),
    ("black", [0, 0, 0]),
];

fn models() -> (ClipVisual, ClipTextual) {
    common::init_runtime();
    let dir = common::models_dir().join("clip/shoebox-test-clip");
    (ClipVisual::load(&dir, 1).unwrap(), ClipTextual::load(&dir, 1).unwrap())
}

/// Photos of different sizes and shapes, so resizing and cropping are exercised.
fn solid(index: usize, rgb: [u8; 3]) -> RgbImage {
    RgbImage::from_pixel(300 + 37 * index as u32, 200 + 11 * index as u32, Rgb(rgb))
}

fn best_match(query: &[f32], photos: &[Vec<f32>]) -> usize {
    (0..photos.len())
        .max_by(|&a, &b| cosine_similarity(query, &photos[a]).total_cmp(&cosine_similarity(query, &photos[b])))
        .unwrap()
}

#[test]
fn each_colour_word_finds_its_photo() {
    let (visual, textual) = models();
    let photos: Vec<RgbImage> = COLOURS.iter().enumerate().map(|(i, (_, rgb))| solid(i, *rgb)).collect();
    let embeddings = visual.embed(&photos).unwrap();
    assert_eq!(embeddings.len(), COLOURS.len());
    for (i, (word, _)) in COLOURS.iter().enumerate() {
        let query = textual.embed(word).unwrap();
        assert_eq!(best_match(&query, &embeddings), i, "{word:?} should rank its own photo first");
    }
}

#[test]
fn sentences_work_and_unknown_words_are_ignored() {
    let (visual, textual) = models();
    let photos = [solid(0, [250, 10, 5]), solid(1, [10, 240, 20]), solid(2, [0, 0, 255])];
    let embeddings = visual.embed(&photos).unwrap();
    let sentence = textual.embed("a photo of a RED car, parked outside").unwrap();
    assert_eq!(best_match(&sentence, &embeddings), 0);
    let word = textual.embed("red").unwrap();
    assert!(cosine_similarity(&sentence, &word) > 0.999, "extra words must not move the query");
}

#[test]
fn dimension_follows_the_model_and_embeddings_are_unit_length() {
    let (visual, textual) = models();
    assert_eq!(visual.dimension(), 64);
    assert_eq!(textual.dimension(), 64);
    let photo = common::photo("astronaut.png");
    let image = visual.embed(&[photo]).unwrap().remove(0);
    let text = textual.embed("blue").unwrap();
    for v in [&image, &text] {
        assert_eq!(v.len(), 64);
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
    }
}

#[test]
fn batches_give_the_same_embeddings_as_single_images() {
    let (visual, _) = models();
    let photos: Vec<RgbImage> = ["astronaut.png", "coffee.png", "chelsea.png"].map(common::photo).into();
    let batched = visual.embed(&photos).unwrap();
    for (photo, from_batch) in photos.iter().zip(&batched) {
        let single = visual.embed(std::slice::from_ref(photo)).unwrap().remove(0);
        assert!(cosine_similarity(&single, from_batch) > 0.9999);
    }
    assert!(visual.embed(&[]).unwrap().is_empty());
}

#[test]
fn a_model_folder_without_files_names_the_missing_file() {
    common::init_runtime();
    let empty = tempfile::tempdir().unwrap();
    let err = ClipVisual::load(empty.path(), 1).err().unwrap();
    match err {
        MlError::ModelMissing { path } => assert!(path.ends_with("config.json"), "{path:?}"),
        other => panic!("expected ModelMissing, got {other:?}"),
    }
}

#[test]
fn models_are_shared_across_threads() {
    let (visual, textual) = models();
    let visual = std::sync::Arc::new(visual);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let visual = visual.clone();
            std::thread::spawn(move || visual.embed(&[solid(i, COLOURS[i].1)]).unwrap().remove(0))
        })
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        let embedding = handle.join().unwrap();
        let query = textual.embed(COLOURS[i].0).unwrap();
        assert!(cosine_similarity(&embedding, &query) > 0.9, "{}", COLOURS[i].0);
    }
}

#[test]
fn models_taking_bytes_get_the_resized_photo_unnormalised() {
    common::init_runtime();
    let dir = common::models_dir().join("clip/shoebox-test-clip-uint8");
    let (visual, textual) = (ClipVisual::load(&dir, 1).unwrap(), ClipTextual::load(&dir, 1).unwrap());
    let photos: Vec<RgbImage> = COLOURS.iter().enumerate().map(|(i, (_, rgb))| solid(i, *rgb)).collect();
    let embeddings = visual.embed(&photos).unwrap();
    for (i, (word, _)) in COLOURS.iter().enumerate() {
        assert_eq!(best_match(&textual.embed(word).unwrap(), &embeddings), i, "{word:?}");
    }
    // Both input kinds describe a photo alike.
    let (float_model, _) = models();
    let photo = common::photo("coffee.png");
    let from_bytes = visual.embed(std::slice::from_ref(&photo)).unwrap().remove(0);
    let from_floats = float_model.embed(&[photo]).unwrap().remove(0);
    assert!(cosine_similarity(&from_bytes, &from_floats) > 0.999);
}
