//! OCR with the real PP-OCRv5 mobile models (Immich's default `PP-OCRv5_mobile`, laid out by
//! deploy/local/clip-test-model with the dictionary in the recognizer's metadata) on real
//! images with printed text from the fixtures: a photographed book page, a scanned product
//! sheet and a map.

use crate::common;

use std::path::Path;

use image::{Rgb, RgbImage};
use shoebox_ml::{MlError, ModelStore, OcrEngine, OcrSettings, TextLine};

fn engine() -> OcrEngine {
    common::init_runtime();
    let (detection, recognition) = ModelStore::new(common::models_dir()).ocr_dirs("PP-OCRv5_mobile");
    OcrEngine::load_parts(&detection, &recognition, 1).unwrap()
}

fn read(engine: &OcrEngine, name: &str) -> Vec<TextLine> {
    let photo = common::photo(name);
    let lines = engine.read(&photo, &OcrSettings::default()).unwrap();
    for line in &lines {
        check_plausible(line, &OcrSettings::default());
    }
    lines
}

fn texts(lines: &[TextLine]) -> Vec<&str> {
    lines.iter().map(|l| l.text.as_str()).collect()
}

/// Index of the line with exactly this text.
fn position(lines: &[TextLine], text: &str) -> usize {
    lines.iter().position(|l| l.text == text).unwrap_or_else(|| panic!("no line {text:?} in {:#?}", texts(lines)))
}

/// Corners inside the photo in clockwise order from the top-left, scores above the minimums.
fn check_plausible(line: &TextLine, settings: &OcrSettings) {
    let [tl, tr, br, bl] = line.corners;
    assert!(line.corners.iter().flatten().all(|v| (0.0..=1.0).contains(v)), "{line:?}");
    assert!(tl[0] < tr[0] && bl[0] < br[0] && tl[1] < bl[1] && tr[1] < br[1], "{line:?}");
    assert!(line.text_score > settings.min_recognition_score && line.text_score <= 1.0, "{line:?}");
    assert!(line.box_score >= settings.min_detection_score && line.box_score <= 1.0, "{line:?}");
    assert!(!line.text.is_empty());
}

/// The box's centre, as fractions of the photo.
fn centre(line: &TextLine) -> [f32; 2] {
    let sum = line.corners.iter().fold([0.0, 0.0], |acc, p| [acc[0] + p[0], acc[1] + p[1]]);
    [sum[0] / 4.0, sum[1] / 4.0]
}

fn assert_near(line: &TextLine, expected: [f32; 2], tolerance: f32) {
    let [x, y] = centre(line);
    assert!(
        (x - expected[0]).abs() <= tolerance && (y - expected[1]).abs() <= tolerance,
        "{:?} centred at ({x:.3}, {y:.3}), expected near {expected:?}: {line:?}",
        line.text
    );
}

#[test]
fn a_photographed_page_reads_line_by_line() {
    let lines = read(&engine(), "text/page.png");
    // The page has a heading, five lines of text and the start of a code line.
    assert_eq!(lines.len(), 7, "{:#?}", texts(&lines));
    assert_eq!(lines[0].text, "Region-based segmentation");
    let body = [
        "Let us first determine markers of the coins and the",
        "background. These markers are pixels that we can label",
        "unambiguously as either object or background. Here,",
        "the markers are found at the two extreme parts of the",
        "histogram of grey values:",
    ];
    let found: Vec<usize> = body.iter().map(|text| position(&lines, text)).collect();
    assert_eq!(found, [1, 2, 3, 4, 5], "in reading order");
    // The heading spans the left three quarters of the top fifth; lines follow downwards.
    let [tl, tr, br, bl] = lines[0].corners;
    assert!(tl[0] < 0.05 && (0.7..0.85).contains(&tr[0]), "{:?}", lines[0]);
    assert!(tl[1] < 0.1 && bl[1] < 0.25 && br[1] < 0.25, "{:?}", lines[0]);
    assert_near(&lines[5], [0.23, 0.67], 0.05);
    assert!(lines.windows(2).all(|w| centre(&w[0])[1] < centre(&w[1])[1]), "top to bottom");
}

#[test]
fn a_scanned_sheet_reads_its_title_and_address() {
    // 2550×3300: detection runs at 736×960, recognition on crops of the full scan.
    let lines = read(&engine(), "text/linn.png");
    assert!(lines.len() >= 70, "{} lines: {:#?}", lines.len(), texts(&lines));
    assert_eq!(lines[0].text, "The LinnSequencer");
    assert_eq!(lines[1].text, "32 Track MIDI Sequence Recorder");
    assert_near(&lines[0], [0.5, 0.05], 0.03);
    assert_near(&lines[1], [0.5, 0.077], 0.03);
    // The address block at the bottom right, in its order.
    let company = position(&lines, "Linn Electronics, Inc.");
    let street = lines.iter().position(|l| l.text.contains("Oxnard Street") && l.text.contains("Tarzana")).unwrap();
    assert!(company < street, "{:#?}", texts(&lines));
    assert_near(&lines[company], [0.67, 0.946], 0.03);
    assert_near(&lines[street], [0.73, 0.959], 0.03);
    // Body text in the two columns is read too.
    assert!(lines.iter().any(|l| l.text == "Recording a Sequence"));
    assert!(lines.iter().any(|l| l.text == "Composition Without Compromise"));
}

#[test]
fn place_names_on_a_map_are_where_they_are_printed() {
    let engine = engine();
    let lines = read(&engine, "text/baiona_color.jpg");
    // Centres measured on the 640×682 map.
    for (name, at) in [
        ("BAIONA", [0.486, 0.883]),
        ("Tarnose", [0.62, 0.033]),
        ("Bokale", [0.337, 0.046]),
        ("Angelu", [0.086, 0.674]),
        ("Lehuntze", [0.897, 0.417]),
        ("Komunikabideak", [0.815, 0.823]),
        ("Eguneratua: 2014/10/04", [0.434, 0.954]),
    ] {
        assert_near(&lines[position(&lines, name)], at, 0.03);
    }
    // The compass rose reads as a character, but below the minimum recognition score.
    let lenient = OcrSettings { min_recognition_score: 0.5, ..OcrSettings::default() };
    let more = engine.read(&common::photo("text/baiona_color.jpg"), &lenient).unwrap();
    assert!(more.len() > lines.len(), "{:#?}", texts(&more));
    assert!(more.iter().any(|l| l.text_score <= 0.8));
}

#[test]
fn settings_bound_what_is_kept() {
    let engine = engine();
    let page = common::photo("text/page.png");
    // No box on the page averages 0.9: nothing is kept.
    let strict = OcrSettings { min_detection_score: 0.9, ..OcrSettings::default() };
    assert!(engine.read(&page, &strict).unwrap().is_empty());
    let picky = OcrSettings { min_recognition_score: 0.97, ..OcrSettings::default() };
    let kept = engine.read(&page, &picky).unwrap();
    assert!(!kept.is_empty() && kept.len() < 7, "{:#?}", texts(&kept));
    kept.iter().for_each(|line| check_plausible(line, &picky));
    // At a tiny detection resolution the small body text is lost.
    let coarse = OcrSettings { max_resolution: 64, ..OcrSettings::default() };
    assert!(engine.read(&page, &coarse).unwrap().len() < 7);
}

#[test]
fn blank_and_tiny_images_have_no_text() {
    let engine = engine();
    let settings = OcrSettings::default();
    assert!(engine.read(&RgbImage::from_pixel(800, 600, Rgb([128, 128, 128])), &settings).unwrap().is_empty());
    // Under 32 pixels on a side, as in Immich, nothing is looked for.
    let strip = image::imageops::crop_imm(&common::photo("text/page.png"), 0, 0, 384, 31).to_image();
    assert!(engine.read(&strip, &settings).unwrap().is_empty());
    assert!(engine.read(&RgbImage::new(1, 1), &settings).unwrap().is_empty());
}

/// An OCR folder with the fixtures' models linked in, the recognizer without metadata.
fn folder_with_dictionary_file(dictionary: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sources = common::fixtures_dir().join("models/ocr");
    let link = |from: &str, to: &str| {
        let target = dir.path().join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(sources.join(from), target).unwrap();
    };
    link("ppocrv5_mobile_det.onnx", "detection/model.onnx");
    link("ppocrv5_mobile_rec.onnx", "recognition/model.onnx");
    if let Some(text) = dictionary {
        std::fs::write(dir.path().join("recognition/dict.txt"), text).unwrap();
    }
    dir
}

fn fixture_dictionary() -> String {
    std::fs::read_to_string(common::fixtures_dir().join("models/ocr/ppocrv5_dict.txt")).unwrap()
}

#[test]
fn a_dictionary_file_beside_the_model_reads_the_same() {
    let with_metadata = engine();
    let dir = folder_with_dictionary_file(Some(&fixture_dictionary()));
    let with_file = OcrEngine::load(dir.path(), 1).unwrap();
    let page = common::photo("text/page.png");
    let settings = OcrSettings::default();
    assert_eq!(with_file.read(&page, &settings).unwrap(), with_metadata.read(&page, &settings).unwrap());
}

#[test]
fn a_missing_or_ill_fitting_dictionary_is_refused() {
    common::init_runtime();
    let invalid = |dir: &Path| match OcrEngine::load(dir, 1) {
        Err(MlError::InvalidModel(message)) => message,
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("loaded"),
    };
    let none = folder_with_dictionary_file(None);
    let message = invalid(none.path());
    assert!(message.contains("character") && message.contains("dict.txt"), "{message}");

    // One character short: every class after it would read as the next character.
    let dictionary = fixture_dictionary();
    let short: String = dictionary.lines().skip(1).map(|line| format!("{line}\n")).collect();
    let dir = folder_with_dictionary_file(Some(&short));
    let message = invalid(dir.path());
    assert!(message.contains("18385 classes"), "{message}");

    // A missing model file is named.
    let empty = tempfile::tempdir().unwrap();
    match OcrEngine::load(empty.path(), 1) {
        Err(MlError::ModelMissing { path }) => assert!(path.ends_with("detection/model.onnx"), "{path:?}"),
        other => panic!("{:?}", other.err()),
    }
}
